//! `tryg init DIR`: writes the built-in rule pack out for policy staff to edit.
//! Refuses, writing nothing, if any file it would write already exists.

use std::path::Path;

use anyhow::{Context, bail};
use include_dir::Dir;

use crate::cli::InitArgs;
use crate::exit::Exit;
use crate::ruleset::DEFAULT_PACK;

pub fn run(args: InitArgs) -> anyhow::Result<Exit> {
    let mut files = Vec::new();
    collect(&DEFAULT_PACK, &mut files);
    let existing: Vec<String> = files
        .iter()
        .map(|(rel, _)| args.dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already holds a rule pack; nothing was written (would overwrite {})",
            args.dir.display(),
            existing.join(", ")
        );
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
    println!(
        "wrote the default rule pack ({} files) to {}\nedit tryg.toml and the *.rhai files, then screen with --rules {}",
        files.len(),
        args.dir.display(),
        args.dir.display()
    );
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
