//! `tryg diff --rules OLD --against NEW`: one batch screened with both rule
//! packs, and what changed, for whom.

use std::sync::Arc;

use crate::diff;
use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::ruleset::CATALOGUE_FILE;

/// `tryg diff [--rules OLD_DIR] --against NEW_DIR --persons FILE --events FILE`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rules as they are (default: the built-in pack).
    #[command(flatten)]
    pub rules: super::RulesArg,
    /// The changed rules folder.
    #[arg(long, value_name = "NEW_DIR")]
    pub against: std::path::PathBuf,
    /// The batch both packs screen, and its as-of date.
    #[command(flatten)]
    pub batch: super::BatchArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = super::TextOrJson::Text)]
    pub format: super::TextOrJson,
}

/// Screens the batch with both packs and prints the difference (text or
/// JSON) to stdout. Exit 0 when both ran, whatever changed; a pack that does
/// not load, or a batch either pack refuses (saying which), is a [`Failure`].
pub fn run(args: Args) -> CommandResult {
    let old = super::load_rules(&args.rules)?;
    let new = super::load_rules(&super::RulesArg {
        rules: Some(args.against.clone()),
    })?;
    let as_of = super::as_of(&args.batch);
    // Which pack a batch that does not fit is refused by.
    let refused_by = |name: String| {
        move |failure| match failure {
            Failure::Input { problems, .. } => Failure::Input {
                problems,
                context: Some(format!("the batch does not fit {name}")),
            },
            other => other,
        }
    };
    // The batch is read with the new pack's vocabulary and catalogue: a tag
    // the change adds (say `knife_carrying`) is in the batch that shows its
    // effect. The old rules run on that same batch when both packs have the
    // same catalogue (events point into it); otherwise each pack reads it.
    let new_batch = Arc::new(
        super::load_batch(&args.batch, &new)
            .map_err(refused_by("the new rule pack (--against)".into()))?,
    );
    let old_name = match &args.rules.rules {
        Some(dir) => format!("the old rule pack ({})", dir.display()),
        None => "the built-in rule pack".to_string(),
    };
    let old_batch = if old.pack.file(CATALOGUE_FILE) == new.pack.file(CATALOGUE_FILE) {
        Arc::clone(&new_batch)
    } else {
        Arc::new(super::load_batch(&args.batch, &old).map_err(refused_by(old_name))?)
    };
    let before = crate::screen::screen_shared(&old, old_batch, as_of);
    let after = crate::screen::screen_shared(&new, Arc::clone(&new_batch), as_of);
    let mut d = diff::diff(&new_batch, &before, &after);
    d.pack_changes = diff::pack_changes(&old.pack, &new.pack);
    let text = match args.format {
        super::TextOrJson::Text => diff::render_text(&d),
        super::TextOrJson::Json => serde_json::to_string_pretty(&d)? + "\n",
    };
    match args.format {
        super::TextOrJson::Text => super::write_text(&text)?,
        super::TextOrJson::Json => super::write_stdout(text.as_bytes())?,
    }
    Ok(Exit::Ok)
}
