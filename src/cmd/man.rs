//! `tryg man [SUBCOMMAND]`: the manual page (roff, for `man`) of tryg or of
//! one subcommand, from the command line's own definition (clap_mangen), on
//! stdout.

use clap::CommandFactory;

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;

/// `tryg man [SUBCOMMAND]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A subcommand (`screen`, `check`, …) for its own page, tryg-screen(1).
    /// Default: tryg(1).
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// Writes the page to stdout. Exit 0; an unknown subcommand is a usage
/// error (exit 2) naming the closest one.
pub fn run(args: Args) -> CommandResult {
    let command = crate::cli::Cli::command();
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name) else {
                let names: Vec<String> = command
                    .get_subcommands()
                    .map(|c| c.get_name().to_string())
                    .collect();
                let hint = crate::diagnostic::did_you_mean(name, names.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Failure::Usage(format!(
                    "tryg has no subcommand `{name}`{hint}"
                )));
            };
            // clap names commands with `&'static str`; the process prints one
            // page and ends.
            let title: &'static str = Box::leak(format!("tryg-{name}").into_boxed_str());
            let version = env!("CARGO_PKG_VERSION");
            sub.clone().name(title).version(version)
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    super::write_stdout(&roff)?;
    Ok(Exit::Ok)
}
