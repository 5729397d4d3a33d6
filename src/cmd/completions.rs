//! `tryg completions SHELL`: the shell's completion script for tryg, from
//! the command line's own definition (clap_complete), on stdout.

use clap::CommandFactory;

use crate::error::CommandResult;
use crate::exit::Exit;

/// `tryg completions SHELL`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Writes the completion script to stdout. Exit 0.
pub fn run(args: Args) -> CommandResult {
    let mut command = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tryg", &mut script);
    super::write_stdout(&script)?;
    Ok(Exit::Ok)
}
