//! `tryg diff --rules OLD --against NEW`: one batch screened with both rule
//! packs, and what changed, for whom; to stdout or, with `--out`, to a file
//! written whole through [`crate::write::write_whole`].

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
    /// Output format. Default: json for an --out file ending in .json, else text.
    #[arg(long, value_enum)]
    pub format: Option<super::TextOrJson>,
    /// Write to FILE (whole or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// Screen residents of NAME (repeatable) with both packs; replaces their
    /// `municipalities`.
    #[arg(long = "municipality", value_name = "NAME", value_parser = super::screen::parse_municipality)]
    pub municipalities: Vec<String>,
}

/// Screens the batch with both packs and prints the difference (text or
/// JSON) to stdout. Exit 0 when both ran, whatever changed; a pack that does
/// not load, or a batch either pack refuses (saying which), is a [`Failure`].
pub fn run(args: Args) -> CommandResult {
    let mut old = super::load_rules(&args.rules)?;
    let mut new = super::load_rules(&super::RulesArg {
        rules: Some(args.against.clone()),
    })?;
    if !args.municipalities.is_empty() {
        old.set_municipalities(args.municipalities.clone());
        new.set_municipalities(args.municipalities.clone());
    }
    let as_of = super::as_of(&args.batch);
    // What --out must not replace, and where it must not write: checked
    // before any screening.
    let files = [args.batch.persons.as_path(), args.batch.events.as_path()];
    let folders: Vec<&std::path::Path> = args
        .rules
        .rules
        .iter()
        .map(std::path::PathBuf::as_path)
        .chain([args.against.as_path()])
        .collect();
    let protected = crate::write::Protected {
        files: &files,
        folders: &folders,
    };
    if let Some(out) = &args.out {
        crate::write::check_target(out, protected)?;
    }
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
    let max_level = old.config.max_level().max(new.config.max_level());
    let mut d = diff::diff(&new_batch, &before, &after, max_level);
    d.pack_changes = diff::pack_changes(&old.pack, &new.pack);
    let json = args
        .out
        .as_deref()
        .and_then(|p| p.extension())
        .is_some_and(|e| e == "json");
    let format = args.format.unwrap_or(if json {
        super::TextOrJson::Json
    } else {
        super::TextOrJson::Text
    });
    let text = match format {
        super::TextOrJson::Text => diff::render_text(&d),
        super::TextOrJson::Json => serde_json::to_string_pretty(&d)? + "\n",
    };
    match &args.out {
        Some(path) => {
            crate::write::write_whole(path, protected, |out| out.write_all(text.as_bytes()))?
        }
        // On a terminal, a rule's words are made inert; JSON stays as is.
        None if format == super::TextOrJson::Json => super::write_stdout(text.as_bytes())?,
        None => super::write_text(&text)?,
    }
    Ok(Exit::Ok)
}
