//! A rule pack as files: `tryg.toml`, `offences.toml`, `*.rhai` and the case
//! files in `tests/`, read from a folder or from the copy built into the
//! binary. Nothing here parses or compiles; [`crate::ruleset`] does.

use std::path::Path;

use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Diagnostics};

/// The default pack, compiled into the binary so `tryg screen` works anywhere.
pub static DEFAULT_PACK: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// The default pack in Danish (`rules-da/`), which `tryg init --lang da`
/// writes: the same files, settings and rule logic, line for line, with every
/// comment and every reason text in Danish and `lang = "da"` in its tryg.toml.
/// Tokens (level names, routes, action kinds, categories) stay as in
/// [`DEFAULT_PACK`]: they are the output's contract. Only `tryg init` reads
/// it; the pack built into `tryg screen` is [`DEFAULT_PACK`] (docs/RULES.md,
/// "The pack in Danish").
pub static DEFAULT_PACK_DA: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules-da");

/// The pack's settings file, at its top level: `tryg.toml`.
pub const CONFIG_FILE: &str = "tryg.toml";
/// The pack's offence catalogue (SPEC §1), at its top level: `offences.toml`.
pub const CATALOGUE_FILE: &str = "offences.toml";

/// The files of a rule pack, before validation.
#[derive(Debug, Clone)]
pub struct RulePack {
    /// How files are named in messages: `rules` for the built-in pack, else the folder.
    pub folder: String,
    /// (file name, text) of the top-level files, sorted by name.
    pub files: Vec<(String, String)>,
    /// (path, text) of the case files in `tests/` (for `tryg test`; not part of
    /// the rule set's identity, since they decide nothing).
    pub tests: Vec<(String, String)>,
}

impl RulePack {
    /// The default pack, as built into the binary (named `rules` in messages).
    pub fn built_in() -> RulePack {
        let mut files: Vec<(String, String)> = DEFAULT_PACK
            .files()
            .filter_map(|f| {
                let name = f.path().file_name()?.to_str()?.to_string();
                Some((name, f.contents_utf8()?.to_string()))
            })
            .filter(|(name, _)| is_pack_file(name))
            .collect();
        files.sort();
        let mut tests: Vec<(String, String)> = DEFAULT_PACK
            .get_dir("tests")
            .into_iter()
            .flat_map(|d| d.files())
            .filter_map(|f| {
                let name = f.path().file_name()?.to_str()?;
                Some((
                    format!("rules/tests/{name}"),
                    f.contents_utf8()?.to_string(),
                ))
            })
            .filter(|(name, _)| name.ends_with(".toml"))
            .collect();
        tests.sort();
        RulePack {
            folder: "rules".into(),
            files,
            tests,
        }
    }

    /// Reads a pack folder: its top-level pack files and `tests/*.toml`.
    ///
    /// # Errors
    /// A folder that cannot be read, or a file that is unreadable or not UTF-8.
    pub fn from_dir(dir: &Path) -> Result<RulePack, Diagnostics> {
        let folder = dir.display().to_string();
        let mut problems = Diagnostics::with_cap(50);
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Diagnostic::new(
                    "no-rules",
                    folder,
                    format!("cannot read the rules folder: {e}"),
                ));
                return Err(problems);
            }
        };
        let mut files = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_pack_file(&name) || !entry.path().is_file() {
                continue;
            }
            match std::fs::read(entry.path()).map(String::from_utf8) {
                Ok(Ok(text)) => files.push((name, text)),
                Ok(Err(_)) => problems.push(Diagnostic::new(
                    "not-utf8",
                    format!("{folder}/{name}"),
                    "the file is not valid UTF-8",
                )),
                Err(e) => problems.push(Diagnostic::new(
                    "unreadable",
                    format!("{folder}/{name}"),
                    format!("cannot read: {e}"),
                )),
            }
        }
        files.sort();
        let mut tests = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir.join("tests")) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    match std::fs::read_to_string(&path) {
                        Ok(text) => tests.push((path.display().to_string(), text)),
                        Err(e) => problems.push(Diagnostic::new(
                            "unreadable",
                            path.display().to_string(),
                            format!("cannot read: {e}"),
                        )),
                    }
                }
            }
        }
        tests.sort();
        problems.into_result().map(|()| RulePack {
            folder,
            files,
            tests,
        })
    }

    /// The text of a top-level file (`tryg.toml`, `level2_crime.rhai`).
    pub fn file(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    /// How a file of the pack is named in messages: `rules/tryg.toml`.
    pub fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.folder.trim_end_matches('/'))
    }

    /// SHA-256 over every top-level file's name and bytes (each length-
    /// prefixed), as 64 lower-case hex digits: the identity of the rule set.
    /// Case files in `tests/` are not part of it: they decide nothing.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for (name, text) in &self.files {
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        crate::digest::hex(&hasher.finalize())
    }
}

fn is_pack_file(name: &str) -> bool {
    name == CONFIG_FILE || name == CATALOGUE_FILE || name.ends_with(".rhai")
}
