//! `tryg explain PERSON_ID`: one person's outcome, rule by rule, for a reviewer.

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::explain;

/// `tryg explain PERSON_ID --persons FILE --events FILE [--as-of DATE] [--rules DIR]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The person to explain.
    #[arg(value_name = "PERSON_ID")]
    pub person_id: String,
    /// The batch the person is in, and the as-of date.
    #[command(flatten)]
    pub batch: super::BatchArgs,
    /// The rule pack.
    #[command(flatten)]
    pub rules: super::RulesArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = super::TextOrJson::Text)]
    pub format: super::TextOrJson,
}

/// Explains one person and prints it (text or JSON) to stdout. Exit 0; a
/// person id not in persons.csv is a [`Failure::Other`] naming the file (and
/// an id differing only by case, if there is one).
pub fn run(args: Args) -> CommandResult {
    let rules = super::load_rules(&args.rules)?;
    let as_of = super::as_of(&args.batch);
    let batch = super::load_batch(&args.batch, &rules)?;
    let x = explain::explain(&rules, batch, as_of, &args.person_id)
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e} ({})", args.batch.persons.display())))?;
    let text = match args.format {
        super::TextOrJson::Text => explain::render_text(&x, rules.config.retention_months),
        super::TextOrJson::Json => serde_json::to_string_pretty(&x)? + "\n",
    };
    match args.format {
        super::TextOrJson::Text => super::write_text(&text)?,
        super::TextOrJson::Json => super::write_stdout(text.as_bytes())?,
    }
    Ok(Exit::Ok)
}
