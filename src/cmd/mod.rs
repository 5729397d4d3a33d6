//! One module per subcommand, each a `run(args) -> Result<Exit>`.

pub mod check;
pub mod diff;
pub mod explain;
pub mod init;
pub mod screen;
pub mod test;

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::cli::RulesArg;
use crate::exit::Exit;
use crate::load::{Batch, Input};
use crate::ruleset::{RulePack, RuleSet};

/// Reads the rule pack named on the command line, or prints why it cannot.
pub fn load_pack(arg: &RulesArg) -> Result<RulePack, Exit> {
    match &arg.rules {
        Some(dir) => RulePack::from_dir(dir).map_err(|d| {
            report(&d.to_string());
            Exit::BadInput
        }),
        None => Ok(RulePack::built_in()),
    }
}

/// Loads the rule set named on the command line, or prints why it cannot.
pub fn load_rules(arg: &RulesArg) -> Result<RuleSet, Exit> {
    let pack = load_pack(arg)?;
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

/// Reads both input files and validates the batch, or prints why it cannot.
/// The files are streamed, never held in memory whole.
pub fn load_batch(
    args: &crate::cli::BatchArgs,
    rules: &RuleSet,
) -> anyhow::Result<Result<Batch, Exit>> {
    let open =
        |path: &Path| Input::open(path).with_context(|| format!("cannot read {}", path.display()));
    let (persons, events) = (open(&args.persons)?, open(&args.events)?);
    let options = args.load_options();
    Ok(
        Batch::read_with(persons, events, rules, &options)?.map_err(|problems| {
            report(&format!(
                "{problems}error: {} problem(s) in the input; nothing was screened or written\n",
                problems.total()
            ));
            Exit::BadInput
        }),
    )
}

/// The as-of date given, or today (the only place tryg reads the clock).
pub fn as_of(args: &crate::cli::BatchArgs) -> crate::time::Date {
    args.as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Streams `write` into a temporary file in the target's folder and renames it
/// over `path` only when complete, so `path` is written whole or not at all
/// without holding the output in memory.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    write(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Streams `write` to stdout; a closed pipe (`tryg … | head`) is not an error.
pub fn write_stdout_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}

/// Writes to stdout; a closed pipe (`tryg … | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
