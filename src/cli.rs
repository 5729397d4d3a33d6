//! The command line: the clap types of the top level and the dispatch to one
//! module per subcommand (each subcommand's own arguments live with it in
//! [`crate::cmd`]). A command's failure is rendered here, once, on stderr,
//! and ends the process with its exit status (SPEC §5).

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::exit::Exit;

/// The whole command line: `tryg <COMMAND> [ARGS]` (SPEC §5). The help text
/// is set in `#[command]`, not taken from this comment.
#[derive(Debug, Parser)]
#[command(
    name = "tryg",
    version,
    about = "Screens a batch of persons against the crime-prevention rules and proposes, with reasons, what a coordination meeting should consider.",
    long_about = None,
    after_help = "Every outcome is a proposal for human review (GDPR art. 22): tryg never decides."
)]
pub struct Cli {
    /// The subcommand and its arguments.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, one module each under [`crate::cmd`].
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen a batch: one explained, proposed outcome per person.
    Screen(cmd::screen::Args),
    /// Check a rule pack: every problem at once, with the spot and a hint.
    Check(cmd::check::Args),
    /// Everything about one person's outcome: each rule, its evidence, when it lapses.
    Explain(cmd::explain::Args),
    /// Run the rule pack's test cases and show which rules they exercise.
    Test(cmd::test::Args),
    /// Screen one batch with two rule packs: what changes, and for whom.
    Diff(cmd::diff::Args),
    /// Write the default rule pack to DIR, for policy staff to edit.
    Init(cmd::init::Args),
    /// Make a raw extract with CPR numbers into a batch: keyed pseudonyms, only
    /// the columns screening uses. `pseudonymise keygen KEYFILE` makes the key.
    Pseudonymise(cmd::pseudonymise::Args),
    /// Look pseudonyms up in a map from `pseudonymise --write-map`; prints CPR
    /// numbers, for the one person entitled to re-identify.
    Reidentify(cmd::reidentify::Args),
    /// The case register: runs, pending proposals, decisions, history, export, verify.
    Review(cmd::review::Args),
    /// The coordination meeting in the browser: a local web app over the case register.
    Serve(cmd::serve::Args),
    /// The period report (half-year report) from the case register: html, csv or json.
    Report(cmd::report::Args),
}

/// Parses the command line, runs the command and returns its exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Exit::Ok
                }
                _ => Exit::Usage,
            }
            .into();
        }
    };
    // A backstop (see `host::Backstop`) is reported as an error below, not as
    // a panic.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info
            .payload()
            .downcast_ref::<crate::host::Backstop>()
            .is_none()
        {
            default_hook(info);
        }
    }));
    // Every command runs on a thread with a stack sized for the rules (see
    // `host::WORKER_STACK`), and so does the pool of workers it screens on:
    // no allowed `[limits]` setting can overflow a stack and abort.
    let result = std::thread::Builder::new()
        .name("tryg".into())
        .stack_size(crate::host::WORKER_STACK)
        .spawn(move || {
            if let Ok(pool) = cmd::worker_pool(None) {
                pool.install(|| dispatch(cli.command))
            } else {
                dispatch(cli.command)
            }
        })
        .map_err(|e| crate::error::Failure::Other(anyhow::anyhow!("cannot start tryg: {e}")))
        .and_then(|thread| {
            thread.join().unwrap_or_else(|payload| {
                let message = match payload.downcast_ref::<crate::host::Backstop>() {
                    Some(backstop) => backstop.to_string(),
                    None => "tryg stopped on an internal error; nothing was written".into(),
                };
                Err(crate::error::Failure::Other(anyhow::anyhow!(message)))
            })
        });
    match result {
        Ok(exit) => exit.into(),
        Err(failure) => {
            // A closed stderr is no reason to panic.
            let _ = std::io::stderr()
                .lock()
                .write_all(crate::output::terminal::escape(&failure.render()).as_bytes());
            failure.exit().into()
        }
    }
}

fn dispatch(command: Command) -> crate::error::CommandResult {
    match command {
        Command::Screen(args) => cmd::screen::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Test(args) => cmd::test::run(args),
        Command::Diff(args) => cmd::diff::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Pseudonymise(args) => cmd::pseudonymise::run(args),
        Command::Reidentify(args) => cmd::reidentify::run(args),
        Command::Review(args) => cmd::review::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Report(args) => cmd::report::run(args),
    }
}
