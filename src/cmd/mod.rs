//! One module per subcommand, each a `run(args) -> Result<Exit>`.

pub mod check;
pub mod init;
pub mod screen;

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::cli::RulesArg;
use crate::exit::Exit;
use crate::ruleset::{RulePack, RuleSet};

/// Loads the rule set named on the command line, or prints why it cannot.
pub fn load_rules(arg: &RulesArg) -> Result<RuleSet, Exit> {
    let pack = match &arg.rules {
        Some(dir) => RulePack::from_dir(dir).map_err(|d| {
            report(&d.to_string());
            Exit::BadInput
        })?,
        None => RulePack::built_in(),
    };
    RuleSet::load(pack).map_err(|e| {
        report(&format!(
            "{}error: the rule set has {} problem(s); nothing was screened\n",
            e.render(),
            e.diagnostics.total()
        ));
        Exit::BadInput
    })
}

/// Writes problems to stderr. Unlike `eprint!`, a closed stderr is not a panic.
pub fn report(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same
/// folder, renamed over the target only when complete.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Writes to stdout; a closed pipe (`tryg … | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
