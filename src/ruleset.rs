//! A rule pack (tryg.toml, offences.toml, `*.rhai`) read from a folder or from
//! the copy built into the binary, validated and compiled once.

use std::path::Path;
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use rhai::Engine;
use sha2::{Digest, Sha256};

use crate::config::HostConfig;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::host::{self, Rule, config_view::ConfigTable};
use crate::offence::Catalogue;

/// The default pack, compiled into the binary so `tryg screen` works anywhere.
pub static DEFAULT_PACK: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

pub const CONFIG_FILE: &str = "tryg.toml";
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

    pub fn file(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    pub fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.folder.trim_end_matches('/'))
    }

    /// SHA-256 over every file's name and bytes: the identity of the rule set.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for (name, text) in &self.files {
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn is_pack_file(name: &str) -> bool {
    name == CONFIG_FILE || name == CATALOGUE_FILE || name.ends_with(".rhai")
}

/// Problems with a rule pack, with the texts needed to show source excerpts.
#[derive(Debug, thiserror::Error)]
#[error("the rule set has {} problem(s)", diagnostics.total())]
pub struct RulesError {
    pub diagnostics: Diagnostics,
    pub pack: Box<RulePack>,
}

impl RulesError {
    /// Every problem with its source excerpt.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in self.diagnostics.items() {
            let name = d.file.rsplit('/').next().unwrap_or(&d.file);
            match self.pack.file(name) {
                Some(source) if d.line.is_some() => out.push_str(&d.render_full(source)),
                _ => {
                    out.push_str(&d.to_string());
                    out.push('\n');
                }
            }
        }
        for line in self.diagnostics.omitted_lines() {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// A validated, compiled rule set, shared by every thread of a screening.
pub struct RuleSet {
    pub engine: Engine,
    pub config: HostConfig,
    pub cfg: ConfigTable,
    table: toml::Table,
    pub catalogue: Arc<Catalogue>,
    pub catalogue_file: String,
    /// offences.toml as read: two rule sets with the same text index events
    /// the same way (`tryg diff` shares one batch between them).
    pub catalogue_text: String,
    pub rules: Vec<Rule>,
    pub digest: String,
    /// The line of `retention_months` in tryg.toml, which retention reasons cite.
    pub retention_line: usize,
}

impl RuleSet {
    pub fn load(pack: RulePack) -> Result<RuleSet, RulesError> {
        let mut problems = Diagnostics::with_cap(50);
        let config_path = pack.path(CONFIG_FILE);
        let catalogue_file = pack.path(CATALOGUE_FILE);

        let parsed = match pack.file(CONFIG_FILE) {
            Some(text) => HostConfig::parse(&config_path, text)
                .map_err(|d| problems.push(*d))
                .ok(),
            None => {
                problems.push(Diagnostic::new(
                    "missing-file",
                    &config_path,
                    "the rules folder has no tryg.toml",
                ));
                None
            }
        };
        let catalogue = match pack.file(CATALOGUE_FILE) {
            Some(text) => Catalogue::parse(&catalogue_file, text)
                .map_err(|d| problems.extend(d))
                .ok(),
            None => {
                problems.push(Diagnostic::new(
                    "missing-file",
                    &catalogue_file,
                    "the rules folder has no offences.toml",
                ));
                None
            }
        };
        let (Some((config, table)), Some(catalogue)) = (parsed, catalogue) else {
            return Err(RulesError {
                diagnostics: problems,
                pack: Box::new(pack),
            });
        };

        let engine = host::engine(&config.limits);
        let mut rules = Vec::new();
        for (i, stem) in config.rules.order.iter().enumerate() {
            let name = format!("{stem}.rhai");
            if config.rules.order[..i].contains(stem) {
                problems.push(Diagnostic::new(
                    "duplicate-rule",
                    &config_path,
                    format!("rule `{stem}` is listed twice in [rules] order"),
                ));
                continue;
            }
            match pack.file(&name) {
                Some(source) => match host::compile(&engine, &pack.path(&name), stem, source) {
                    Ok(rule) => rules.push(rule),
                    Err(d) => problems.push(*d),
                },
                None => problems.push(
                    Diagnostic::new(
                        "missing-rule",
                        &config_path,
                        format!("rule `{stem}` is listed in [rules] order but there is no {name}"),
                    )
                    .hint("add the file, or remove the name from the list"),
                ),
            }
        }
        // What `tryg check` finds wrong stops a screening too: a rule calling a
        // function or reading a setting that does not exist would otherwise
        // fail for every person. A setting nobody reads is untidy, not wrong.
        if problems.is_empty() {
            for d in crate::check::check(&pack).diagnostics {
                if d.severity == crate::diagnostic::Severity::Error && d.code != "unused-setting" {
                    problems.push(d);
                }
            }
        }
        if !problems.is_empty() {
            return Err(RulesError {
                diagnostics: problems,
                pack: Box::new(pack),
            });
        }

        let retention_line = pack
            .file(CONFIG_FILE)
            .and_then(|t| {
                t.lines()
                    .position(|l| l.trim_start().starts_with("retention_months"))
            })
            .map_or(0, |i| i + 1);
        Ok(RuleSet {
            engine,
            cfg: ConfigTable::from_toml(&table),
            config,
            table,
            catalogue: Arc::new(catalogue),
            catalogue_file,
            catalogue_text: pack.file(CATALOGUE_FILE).unwrap_or("").to_string(),
            rules,
            digest: pack.digest(),
            retention_line,
        })
    }

    /// Replaces the screened municipalities (`--municipality`), for the host
    /// and for the rules' `cfg.municipalities` alike.
    pub fn set_municipalities(&mut self, names: Vec<String>) {
        self.table.insert(
            "municipalities".into(),
            toml::Value::Array(names.iter().cloned().map(toml::Value::String).collect()),
        );
        self.config.municipalities = names;
        self.cfg = ConfigTable::from_toml(&self.table);
    }
}
