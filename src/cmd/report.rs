//! `tryg report`: the period report from the case register.

use crate::error::{CommandResult, Failure};

/// `tryg report --db … --from DATE --to DATE [--format html|csv|json]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store: an SQLite file, or postgres://user@host/db. Default: $TRYG_DB.
    #[arg(long, env = "TRYG_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
}

/// Writes the period report.
pub fn run(_args: Args) -> CommandResult {
    Err(Failure::Usage("tryg report is not built yet".into()))
}
