//! Test support: the `tryg` binary, temporary folders and small batches.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `tryg` command run from `dir`, with a cleared environment: nothing of
/// the machine running the tests can change what tryg does.
pub fn tryg_in(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tryg"));
    cmd.current_dir(dir).env_clear();
    cmd
}

/// Binds insta settings for the current scope that redact the tool version
/// (`tryg 0.1.0`, `"tool_version": "0.1.0"`), so a release does not change
/// every snapshot.
pub fn redact_version() -> insta::internals::SettingsBindDropGuard {
    let version = regex_escape(env!("CARGO_PKG_VERSION"));
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&format!("tryg {version}"), "tryg [VERSION]");
    settings.add_filter(
        &format!(r#""tool_version": "{version}""#),
        r#""tool_version": "[VERSION]""#,
    );
    settings.bind_to_scope()
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '.' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' | '\\' => {
                vec!['\\', c]
            }
            c => vec![c],
        })
        .collect()
}

/// `insta_cmd::assert_cmd_snapshot!` with the tool version redacted.
#[macro_export]
macro_rules! snapshot_cmd {
    ($($arg:tt)*) => {{
        let _redacted = $crate::support::redact_version();
        insta_cmd::assert_cmd_snapshot!($($arg)*);
    }};
}

/// `insta::assert_snapshot!` with the tool version redacted.
#[macro_export]
macro_rules! snapshot_text {
    ($($arg:tt)*) => {{
        let _redacted = $crate::support::redact_version();
        insta::assert_snapshot!($($arg)*);
    }};
}

/// `tryg screen` on the persons.csv and events.csv in `dir`.
pub fn screen_in(dir: &Path, as_of: &str) -> Command {
    let mut cmd = tryg_in(dir);
    cmd.args([
        "screen",
        "--persons",
        "persons.csv",
        "--events",
        "events.csv",
        "--as-of",
        as_of,
    ]);
    cmd
}

/// `tryg screen` on the sample batch in fixtures/, as of the fixtures' date.
pub fn screen_fixture() -> Command {
    screen_in(&root().join("fixtures"), AS_OF)
}

/// The as-of date the fixtures were written for.
pub const AS_OF: &str = "2026-11-23";

pub const PERSONS_HEADER: &str = "person_id,birth_date,sex,municipality,district,address_known,gang_affiliation,in_custody,exit_program,last_letter_date,risk_factors,protective_factors";
pub const EVENTS_HEADER: &str = "event_id,person_id,date,kind,offence_code,case_id,tag";

/// A temporary batch: write persons and events rows, run tryg on them.
pub struct Batch {
    pub dir: tempfile::TempDir,
}

impl Batch {
    pub fn new(persons: &[&str], events: &[&str]) -> Batch {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, header: &str, rows: &[&str]| {
            let mut text = format!("{header}\n");
            for row in rows {
                text.push_str(row);
                text.push('\n');
            }
            std::fs::write(dir.path().join(name), text).expect("write");
        };
        write("persons.csv", PERSONS_HEADER, persons);
        write("events.csv", EVENTS_HEADER, events);
        Batch { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `tryg screen` on this batch with extra arguments.
    pub fn screen(&self, as_of: &str, extra: &[&str]) -> Command {
        let mut cmd = screen_in(self.path(), as_of);
        cmd.args(extra);
        cmd
    }

    /// `tryg screen` of this batch run from `pack_dir` with `--rules rules`,
    /// so messages name the pack's files as `rules/…`.
    pub fn screen_with_pack(&self, pack_dir: &Path, as_of: &str) -> Command {
        let mut cmd = tryg_in(pack_dir);
        cmd.args(["screen", "--rules", "rules", "--as-of", as_of, "--persons"])
            .arg(self.path().join("persons.csv"))
            .arg("--events")
            .arg(self.path().join("events.csv"));
        cmd
    }

    /// Screens as JSON and returns the parsed report (asserting exit `code`).
    pub fn report(&self, as_of: &str, extra: &[&str], code: i32) -> serde_json::Value {
        let out = self
            .screen(as_of, &[&["--format", "json"], extra].concat())
            .output()
            .expect("run tryg");
        assert_eq!(
            out.status.code(),
            Some(code),
            "stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json output")
    }
}

/// The outcome of one person in a JSON report.
pub fn outcome<'a>(report: &'a serde_json::Value, person: &str) -> &'a serde_json::Value {
    report["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .find(|o| o["person_id"] == person)
        .unwrap_or_else(|| panic!("no outcome for {person}"))
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run tryg")
}

/// Writes the default rule pack to a temp folder (via `tryg init`) for editing.
pub fn rule_pack_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(tryg_in(dir.path()).args(["init", "rules"]));
    assert!(
        out.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Loads a batch through the library, as `tryg screen` would; panics on a
/// problem.
pub fn load_batch(
    rules: &tryg::ruleset::RuleSet,
    persons: Vec<u8>,
    events: Vec<u8>,
) -> std::sync::Arc<tryg::load::Batch> {
    let file = |name: &str, bytes| tryg::load::InputFile {
        name: name.into(),
        bytes,
    };
    let batch = tryg::load::Batch::load(
        &file("persons.csv", persons),
        &file("events.csv", events),
        &rules.config,
        &rules.catalogue,
    )
    .unwrap_or_else(|problems| panic!("the batch loads:\n{problems}"));
    std::sync::Arc::new(batch)
}

/// [`load_batch`] of the persons.csv and events.csv in `dir`.
pub fn load_batch_dir(
    rules: &tryg::ruleset::RuleSet,
    dir: &Path,
) -> std::sync::Arc<tryg::load::Batch> {
    let read = |name: &str| std::fs::read(dir.join(name)).expect("readable");
    load_batch(rules, read("persons.csv"), read("events.csv"))
}

/// The names a rule can call, as the rule API registers them on `engine`
/// (getters without their `get$`), without rhai's indexers, `to_string`,
/// `to_debug` and operators; each name once, in registration order.
pub fn rule_api_names(engine: &rhai::Engine) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for signature in tryg::host::api_signatures(engine) {
        let name = signature
            .split('(')
            .next()
            .unwrap()
            .trim_start_matches("get$");
        let internal = name.starts_with("index$") || ["to_string", "to_debug"].contains(&name);
        let operator = !name.starts_with(|c: char| c.is_ascii_alphabetic());
        if !internal && !operator && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}
