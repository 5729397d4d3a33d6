//! `tryg diff --rules OLD --against NEW`: one batch screened with both rule
//! packs, and what changed, for whom.

use crate::cli::{DiffArgs, RulesArg, TextOrJson};
use crate::diff;
use crate::exit::Exit;

pub fn run(args: DiffArgs) -> anyhow::Result<Exit> {
    let old = match super::load_rules(&args.rules) {
        Ok(rules) => rules,
        Err(exit) => return Ok(exit),
    };
    let new = match super::load_rules(&RulesArg {
        rules: Some(args.against.clone()),
    }) {
        Ok(rules) => rules,
        Err(exit) => return Ok(exit),
    };
    let as_of = super::as_of(&args.batch);
    // Each pack validates the batch by its own vocabulary and catalogue: a new
    // tag is only known to the new pack.
    let old_batch = match super::load_batch(&args.batch, &old)? {
        Ok(batch) => batch,
        Err(exit) => {
            super::report("error: the batch does not fit the old rule pack (--rules)\n");
            return Ok(exit);
        }
    };
    let new_batch = match super::load_batch(&args.batch, &new)? {
        Ok(batch) => batch,
        Err(exit) => {
            super::report("error: the batch does not fit the new rule pack (--against)\n");
            return Ok(exit);
        }
    };
    let before = crate::screen::screen(&old, old_batch, as_of);
    let new_batch = std::sync::Arc::new(new_batch);
    let after = crate::screen::screen_shared(&new, std::sync::Arc::clone(&new_batch), as_of);
    let d = diff::diff(&new_batch, &before, &after);
    let text = match args.format {
        TextOrJson::Text => diff::render_text(&d),
        TextOrJson::Json => serde_json::to_string_pretty(&d)? + "\n",
    };
    super::write_stdout(text.as_bytes())?;
    Ok(Exit::Ok)
}
