//! `tryg report`: the period report from the case register (issue 18 item
//! 3), as HTML, CSV (long form) or JSON; counted by [`crate::report`].

use std::path::PathBuf;

use crate::error::{CommandResult, Failure, other};
use crate::exit::Exit;
use crate::i18n::{Lang, Messages};
use crate::report::{Format, PeriodReport};
use crate::store::{Location, Store};
use crate::time::Date;

/// `tryg report --db … --from DATE --to DATE [--format html|csv|json] [--out FILE] [--lang da|en]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store: an SQLite file, or postgres://user@host/db. Default: $TRYG_DB.
    #[arg(long, env = "TRYG_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
    /// The period's first day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Date,
    /// The period's last day (YYYY-MM-DD), counted in.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Date,
    /// The format. Default: from --out's extension, else html.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE (whole or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The language of the HTML page (default: `lang` in the rule pack's tryg.toml, else en).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// The rule pack whose tryg.toml may set `lang` (default: the built-in pack).
    #[command(flatten)]
    pub rules: super::RulesArg,
}

fn parse_date(text: &str) -> Result<Date, String> {
    crate::time::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Counts the period and writes the report.
pub fn run(args: Args) -> CommandResult {
    let Some(db) = args.db.as_deref().filter(|d| !d.is_empty()) else {
        return Err(Failure::Usage(
            "tryg report needs a store: --db PATH (or postgres://…), or TRYG_DB".into(),
        ));
    };
    if args.from > args.to {
        return Err(Failure::Usage(format!(
            "--from {} is after --to {}",
            args.from, args.to
        )));
    }
    let format = args.format.unwrap_or_else(|| {
        match args
            .out
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
        {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            _ => Format::Html,
        }
    });
    let lang = match args.lang {
        Some(lang) => lang,
        None => super::default_lang(&args.rules)?,
    };
    let location = Location::parse(db);
    let mut store = Store::open(&location, false).map_err(other)?;
    let facts = store
        .period_facts(
            &args.from.format("%Y-%m-%d").to_string(),
            &args.to.format("%Y-%m-%d").to_string(),
        )
        .map_err(other)?;
    let report = PeriodReport::new(&facts, args.from, args.to);
    let name = location.describe();
    let write = |out: &mut dyn std::io::Write| match format {
        Format::Csv => report.write_csv(out),
        Format::Json => report.write_json(out),
        Format::Html => crate::report::html::render(&report, Messages::of(lang), &name, out),
    };
    match &args.out {
        Some(path) => crate::write::write_whole(path, Default::default(), write)?,
        None => super::write_stdout_with(write)?,
    }
    Ok(Exit::Ok)
}
