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
    // The batch is read with the new pack's vocabulary and catalogue: a tag
    // the change adds (say `knife_carrying`) is in the batch that shows its
    // effect. The old rules run on that same batch when both packs have the
    // same catalogue (events point into it); otherwise each pack reads it.
    let new_batch = match super::load_batch(&args.batch, &new)? {
        Ok(batch) => std::sync::Arc::new(batch),
        Err(exit) => {
            super::report("error: the batch does not fit the new rule pack (--against)\n");
            return Ok(exit);
        }
    };
    let old_name = match &args.rules.rules {
        Some(dir) => format!("the old rule pack ({})", dir.display()),
        None => "the built-in rule pack".to_string(),
    };
    let old_batch = if old.catalogue_text == new.catalogue_text {
        std::sync::Arc::clone(&new_batch)
    } else {
        match super::load_batch(&args.batch, &old)? {
            Ok(batch) => std::sync::Arc::new(batch),
            Err(exit) => {
                super::report(&format!("error: the batch does not fit {old_name}\n"));
                return Ok(exit);
            }
        }
    };
    let before = crate::screen::screen_shared(&old, old_batch, as_of);
    let after = crate::screen::screen_shared(&new, std::sync::Arc::clone(&new_batch), as_of);
    let mut d = diff::diff(&new_batch, &before, &after);
    let old_pack =
        super::load_pack(&args.rules).map_err(|_| anyhow::anyhow!("cannot read the old pack"))?;
    let new_pack = super::load_pack(&RulesArg {
        rules: Some(args.against.clone()),
    })
    .map_err(|_| anyhow::anyhow!("cannot read the new pack"))?;
    d.pack_changes = diff::pack_changes(&old_pack, &new_pack);
    let text = match args.format {
        TextOrJson::Text => diff::render_text(&d),
        TextOrJson::Json => serde_json::to_string_pretty(&d)? + "\n",
    };
    super::write_stdout(text.as_bytes())?;
    Ok(Exit::Ok)
}
