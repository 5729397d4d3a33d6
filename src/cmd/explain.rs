//! `tryg explain PERSON_ID`: one person's outcome, rule by rule, for a reviewer.

use anyhow::bail;

use crate::cli::{ExplainArgs, TextOrJson};
use crate::exit::Exit;
use crate::explain;

pub fn run(args: ExplainArgs) -> anyhow::Result<Exit> {
    let rules = match super::load_rules(&args.rules) {
        Ok(rules) => rules,
        Err(exit) => return Ok(exit),
    };
    let as_of = super::as_of(&args.batch);
    let batch = match super::load_batch(&args.batch, &rules)? {
        Ok(batch) => batch,
        Err(exit) => return Ok(exit),
    };
    let x = match explain::explain(&rules, batch, as_of, &args.person_id) {
        Ok(x) => x,
        Err(e) => bail!("{e} ({})", args.batch.persons.display()),
    };
    let text = match args.format {
        TextOrJson::Text => explain::render_text(&x, rules.config.retention_months),
        TextOrJson::Json => serde_json::to_string_pretty(&x)? + "\n",
    };
    super::write_stdout(text.as_bytes())?;
    Ok(Exit::Ok)
}
