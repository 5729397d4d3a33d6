//! `tryg screen`: load rules, load the batch, screen, write the report.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::{CommandResult, Failure};
use crate::exit::Exit;
use crate::output::{self, Format};
use crate::screen::Screening;
use crate::write::Protected;

/// `tryg screen --persons FILE --events FILE [options]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The batch and the as-of date.
    #[command(flatten)]
    pub batch: super::BatchArgs,
    /// The rule pack.
    #[command(flatten)]
    pub rules: super::RulesArg,
    /// Output format. Default: from the --out file's extension (.json, .csv,
    /// .html, .xlsx), else table.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// CSV for Excel in a Danish locale: a UTF-8 byte-order mark, `;` between
    /// fields and `,` in numbers. Default: `[output] excel_csv` of tryg.toml
    /// (false); `--excel=false` writes plain CSV whatever it says.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true")]
    pub excel: Option<bool>,
    /// The language of tryg's own words in the table and the HTML report
    /// (default: `lang` in the rule pack's tryg.toml, else en). JSON, CSV and
    /// xlsx keep their English field names and tokens (the data contract);
    /// the rules' reason texts are shown as the pack words them.
    #[arg(long, value_enum)]
    pub lang: Option<crate::i18n::Lang>,
    /// Write to FILE (whole or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Screen residents of NAME (repeatable); replaces `municipalities` of tryg.toml.
    #[arg(long = "municipality", value_name = "NAME", value_parser = parse_municipality)]
    pub municipalities: Vec<String>,
    /// No progress bar (it is shown only when stderr is a terminal).
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads. Default: one per core. Output is the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Record the run in the case register: an SQLite file (created, mode
    /// 0600) or postgres://user@host/db. Default: $TRYG_DB.
    #[arg(long, env = "TRYG_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
}

/// Resolves the rules, the as-of date and the output, loads the batch,
/// screens every person and writes the report in the chosen format. Exit 0,
/// or 3 ([`Exit::OutcomeErrors`]) when some outcomes are `status = error`; a
/// bad pack, bad batch or unwritable `--out` is a [`Failure`](crate::error::Failure)
/// and nothing is written.
pub fn run(args: Args) -> CommandResult {
    // Resolve everything before any screening starts.
    let mut rules = super::load_rules(&args.rules)?;
    if !args.municipalities.is_empty() {
        rules.set_municipalities(args.municipalities.clone());
    }
    let as_of = super::as_of(&args.batch);
    let format = args
        .format
        .unwrap_or_else(|| format_of(args.out.as_deref()));
    let csv = csv_style(&args, format, &rules)?;
    let lang = match args.lang {
        Some(lang) => lang,
        None => super::pack_lang(&rules.pack)?,
    };
    if format.is_binary()
        && args.out.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Failure::Usage(
            "an xlsx workbook is a binary file: give --out FILE.xlsx (or redirect stdout to a file)"
                .into(),
        ));
    }
    if let Some(out) = &args.out {
        let (files, folders) = protected(&args);
        crate::write::check_target(
            out,
            Protected {
                files: &files,
                folders: &folders,
            },
        )?;
    }
    // The store is opened before any work, so a bad --db costs nothing. (An
    // empty TRYG_DB is no store.)
    let mut store = match args.db.as_deref().filter(|db| !db.is_empty()) {
        Some(db) => Some(super::register::open(db)?),
        None => None,
    };
    let pool = super::worker_pool(args.threads.map(usize::from))?;
    // Loading checks rows on the same workers.
    let batch = pool.install(|| super::load_batch(&args.batch, &rules))?;
    print_warnings(&batch);
    if format == Format::Xlsx && batch.persons.len() > output::XLSX_MAX_PERSONS {
        return Err(Failure::Usage(format!(
            "a workbook sheet holds at most {} persons and the batch has {}: write it as csv or json",
            output::XLSX_MAX_PERSONS,
            batch.persons.len()
        )));
    }

    // What the register remembers of these persons feeds the rules.
    let history = match &mut store {
        Some((store, _)) => Some(std::sync::Arc::new(super::register::history(
            store, &batch, &rules, as_of,
        )?)),
        None => None,
    };
    let batch = std::sync::Arc::new(batch);
    let bar = progress_bar(batch.persons.len(), args.quiet);
    let tick = || bar.inc(1);
    let screening = pool.install(|| {
        Screening::with_history(&rules, std::sync::Arc::clone(&batch), as_of, history).decide(&tick)
    });
    bar.finish_and_clear();
    let recording = store.map(|(store, location)| {
        let recording = super::register::start(store, &screening.run, &rules.pack.files);
        (recording, location)
    });
    let recorded = |source| {
        super::register::Teed::new(source, recording.as_ref().map(|r| &r.0), &batch, &rules)
    };
    if format == Format::Html {
        // The reviewers' report is one page: every outcome at once.
        let mut report = pool.install(|| screening.report());
        pool.install(|| recorded(&report).record_all())?;
        crate::screen::describe_events(&mut report, &batch, &rules);
        write_out(&args, &pool, |out| {
            output::render_with(&report, format, csv, lang, out)
        })?;
    } else {
        // Written as it is made, a wave at a time: a million outcomes are
        // never held at once; each wave is recorded as it is written.
        let source = recorded(&screening);
        write_out(&args, &pool, |out| {
            output::stream_with(&source, format, csv, lang, out)
        })?;
    }
    // The loader's warnings were printed when the batch was read; what the
    // screening adds (a report incomplete) comes last, after the report.
    for warning in &screening.run.warnings {
        if !batch.warnings.contains(warning) {
            super::warn(&format!("{warning}\n"));
        }
    }
    if let Some((recording, location)) = recording {
        let recorded = recording
            .finish()
            .context("the report was written, but the run was not recorded")?;
        super::register::announce(&recorded, &location);
    }
    let errors = screening.run.counts.errors;
    Ok(if errors > 0 {
        Exit::OutcomeErrors
    } else {
        Exit::Ok
    })
}

/// Writes the report to --out (whole or not at all) or stdout, in the pool:
/// rendering uses the worker threads too.
fn write_out(
    args: &Args,
    pool: &rayon::ThreadPool,
    render: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + Send,
) -> anyhow::Result<()> {
    let (files, folders) = protected(args);
    let protected = Protected {
        files: &files,
        folders: &folders,
    };
    pool.install(|| match &args.out {
        Some(path) => crate::write::write_whole(path, protected, render),
        None => super::write_stdout_with(render),
    })
}

/// What `--out` must never replace: the input files; and where it must not
/// write: the rule pack's folder.
fn protected(args: &Args) -> (Vec<&Path>, Vec<&Path>) {
    let files = vec![args.batch.persons.as_path(), args.batch.events.as_path()];
    let folders = args.rules.rules.iter().map(PathBuf::as_path).collect();
    (files, folders)
}

/// The format a file name asks for: `report.html` is html.
fn format_of(out: Option<&Path>) -> output::Format {
    match out.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
        Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("html" | "htm") => Format::Html,
        Some("xlsx") => Format::Xlsx,
        _ => Format::Table,
    }
}

/// The CSV style: `--excel[=BOOL]`, else tryg.toml's `[output] excel_csv`.
/// `--excel` with another format is a usage error.
fn csv_style(
    args: &Args,
    format: Format,
    rules: &crate::ruleset::RuleSet,
) -> Result<output::CsvStyle, Failure> {
    if args.excel.is_some() && format != Format::Csv {
        return Err(Failure::Usage(
            "--excel is for --format csv (an .xlsx workbook: --format xlsx)".into(),
        ));
    }
    let excel = args.excel.unwrap_or(rules.config.output.excel_csv);
    Ok(if excel {
        output::CsvStyle::Excel
    } else {
        output::CsvStyle::Plain
    })
}

/// What the loader found legal but most likely not meant (empty files,
/// municipalities that nearly match, nobody in scope). Warnings change no
/// decision and no exit status.
fn print_warnings(batch: &crate::load::Batch) {
    for warning in &batch.warnings {
        super::warn(&format!("{warning}\n"));
    }
}

/// A progress bar on stderr for long runs: persons screened, rate, time left.
/// Hidden when stderr is not a terminal (pipes, CI, tests) or with --quiet.
fn progress_bar(persons: usize, quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(persons as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "screening {bar:30} {pos}/{len} persons · {rate} · {eta} left",
    ) {
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} persons/s", state.per_sec());
            },
        ));
    }
    bar
}

/// A municipality as data is compared: trimmed and NFC, as `crate::text` makes it.
pub fn parse_municipality(text: &str) -> Result<String, String> {
    let name = crate::text::normalise(text);
    if name.is_empty() {
        return Err("a municipality name is needed".into());
    }
    Ok(name.into_owned())
}
