//! `tryg init [--lang da|en] DIR`: writes the built-in rule pack out for
//! policy staff to edit, in English (`rules/`) or Danish (`rules-da/`).
//! Refuses, writing nothing, if any file it would write already exists.

use std::path::Path;

use anyhow::Context;
use include_dir::Dir;

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::i18n::Lang;
use crate::pack::DEFAULT_PACK_DA;
use crate::ruleset::DEFAULT_PACK;

/// `tryg init [--lang da|en] DIR`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The language of the pack's comments and reason texts (default: en).
    /// `da` writes the Danish pack, with `lang = "da"` in its tryg.toml; its
    /// rules decide exactly as the English ones.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Folder to write the rule pack into (created if missing; nothing is overwritten).
    pub dir: std::path::PathBuf,
}

/// Writes every file of the built-in pack (sub-folders too) under `args.dir`,
/// creating folders as needed. Exit 0; a file that already exists, or one
/// that cannot be written, is a [`Failure::Other`].
pub fn run(args: Args) -> CommandResult {
    let lang = args.lang.unwrap_or_default();
    let pack = match lang {
        Lang::Da => &DEFAULT_PACK_DA,
        Lang::En => &DEFAULT_PACK,
    };
    let mut files = Vec::new();
    collect(pack, &mut files);
    let existing: Vec<String> = files
        .iter()
        .map(|(rel, _)| args.dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Failure::Other(anyhow::anyhow!(
            "{} already holds a rule pack; nothing was written (would overwrite {})",
            args.dir.display(),
            existing.join(", ")
        )));
    }
    for (rel, contents) in &files {
        let path = args.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    super::write_stdout(
        format!(
            "wrote the default rule pack{} ({} files) to {}\nedit tryg.toml and the *.rhai files, then screen with --rules {}\n",
            if lang == Lang::Da { " in Danish" } else { "" },
            files.len(),
            args.dir.display(),
            args.dir.display()
        )
        .as_bytes(),
    )?;
    Ok(Exit::Ok)
}

fn collect<'a>(dir: &'a Dir<'a>, out: &mut Vec<(&'a Path, &'a [u8])>) {
    for file in dir.files() {
        out.push((file.path(), file.contents()));
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}
