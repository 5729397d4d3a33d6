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
    #[command(
        after_help = "Examples:\n  tryg screen --persons persons.csv --events events.csv --as-of 2026-11-23\n      (the table on the terminal)\n  tryg screen --persons persons.csv --events events.csv --out report.html\n      (the reviewers' report, as of today)\n  tryg screen --rules my-rules --persons persons.csv --events events.csv --format json --municipality Albertslund\n      (your own pack, one municipality, as JSON)"
    )]
    Screen(cmd::screen::Args),
    /// Check a rule pack: every problem at once, with the spot and a hint.
    #[command(
        after_help = "Examples:\n  tryg check\n      (the built-in pack)\n  tryg check --rules my-rules\n      (your copy, after every change)"
    )]
    Check(cmd::check::Args),
    /// Everything about one person's outcome: each rule, its evidence, when it lapses.
    #[command(
        after_help = "Examples:\n  tryg explain P027 --persons persons.csv --events events.csv --as-of 2026-11-23\n  tryg explain P027 --rules my-rules --persons persons.csv --events events.csv --format json"
    )]
    Explain(cmd::explain::Args),
    /// Run the rule pack's test cases and show which rules they exercise.
    #[command(
        after_help = "Examples:\n  tryg test\n      (the built-in pack's own cases)\n  tryg test --rules my-rules\n      (every case in my-rules/tests/)\n  tryg test --rules my-rules my-rules/tests/level2_crime.toml\n      (one case file, and the coverage of the rules it reaches)"
    )]
    Test(cmd::test::Args),
    /// Screen one batch with two rule packs: what changes, and for whom.
    #[command(
        after_help = "Examples:\n  tryg diff --against my-rules --persons persons.csv --events events.csv --as-of 2026-11-23\n      (built-in pack against your copy)\n  tryg diff --rules old-rules --against my-rules --persons persons.csv --events events.csv --out diff.json"
    )]
    Diff(cmd::diff::Args),
    /// Write the default rule pack to DIR, for policy staff to edit.
    #[command(
        after_help = "Examples:\n  tryg init my-rules\n  tryg init my-rules && tryg check --rules my-rules\n  tryg init --lang da mine-regler"
    )]
    Init(cmd::init::Args),
    /// Make a raw extract with CPR numbers into a batch: keyed pseudonyms, only
    /// the columns screening uses. `pseudonymise keygen KEYFILE` makes the key.
    #[command(
        after_help = "Examples:\n  tryg pseudonymise keygen tryg.key\n  tryg pseudonymise --key tryg.key --id-column cpr --persons extract/persons.csv --events extract/events.csv --out-dir batch\n  tryg pseudonymise --key tryg.key --persons extract/persons.csv --events extract/events.csv --out-dir batch --write-map map.csv"
    )]
    Pseudonymise(cmd::pseudonymise::Args),
    /// Look pseudonyms up in a map from `pseudonymise --write-map`; prints CPR
    /// numbers, for the one person entitled to re-identify.
    #[command(
        after_help = "Examples:\n  tryg reidentify --key tryg.key --map map.csv p3k2mzq7x4vtn\n  tryg reidentify --key tryg.key --map map.csv p3k2mzq7x4vtn pq8w2m4r6t9yb"
    )]
    Reidentify(cmd::reidentify::Args),
    /// The case register: runs, pending proposals, decisions, history, export, verify.
    #[command(
        after_help = "Examples:\n  tryg review --db register.db list\n  tryg review --db register.db decide P013 --on letter --decision done --by \"Ann Holm\" --date 2026-11-25\n  tryg review --db register.db history P026"
    )]
    Review(cmd::review::Args),
    /// The coordination meeting in the browser: a local web app over the case register.
    #[command(
        after_help = "Examples:\n  tryg serve --db register.db\n  tryg serve --db register.db --port 8080 --lang da"
    )]
    Serve(cmd::serve::Args),
    /// The period report (half-year report) from the case register: html, csv or json.
    #[command(
        after_help = "Examples:\n  tryg report --db register.db --from 2026-01-01 --to 2026-06-30 --out half-year.html\n  tryg report --db register.db --from 2026-01-01 --to 2026-06-30 --format csv --lang da"
    )]
    Report(cmd::report::Args),
    /// Print the shell's completion script for tryg.
    #[command(
        after_help = "Examples:\n  tryg completions bash > ~/.local/share/bash-completion/completions/tryg\n  tryg completions zsh > ~/.zfunc/_tryg\n  tryg completions fish > ~/.config/fish/completions/tryg.fish"
    )]
    Completions(cmd::completions::Args),
    /// Print the manual page (roff) of tryg, or of one subcommand.
    #[command(
        after_help = "Examples:\n  tryg man | man -l -\n  tryg man screen > ~/.local/share/man/man1/tryg-screen.1\n  tryg man > ~/.local/share/man/man1/tryg.1"
    )]
    Man(cmd::man::Args),
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
        Command::Completions(args) => cmd::completions::run(args),
        Command::Man(args) => cmd::man::run(args),
    }
}
