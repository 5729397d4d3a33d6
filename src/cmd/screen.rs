//! `tryg screen`: load rules, load the batch, screen, write the report.

use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::ScreenArgs;
use crate::exit::Exit;
use crate::output;

pub fn run(args: ScreenArgs) -> anyhow::Result<Exit> {
    // Resolve everything before any screening starts.
    let mut rules = match super::load_rules(&args.rules) {
        Ok(rules) => rules,
        Err(exit) => return Ok(exit),
    };
    if !args.municipalities.is_empty() {
        rules.set_municipalities(args.municipalities.clone());
    }
    let as_of = super::as_of(&args.batch);
    let format = args
        .format
        .unwrap_or_else(|| format_of(args.out.as_deref()));
    if let Some(out) = &args.out {
        check_out(out, &args.batch)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .context("cannot start worker threads")?;
    // Loading checks rows on the same workers.
    let batch = match pool.install(|| super::load_batch(&args.batch, &rules))? {
        Ok(batch) => batch,
        Err(exit) => return Ok(exit),
    };
    print_warnings(&batch);

    let batch = std::sync::Arc::new(batch);
    let bar = progress_bar(batch.persons.len(), args.quiet);
    let tick = || bar.inc(1);
    let errors = if format == output::Format::Json {
        // JSON, the format for whole populations, is written as it is
        // decided, so a million outcomes are never held at once.
        let shared = std::sync::Arc::clone(&batch);
        let screening =
            pool.install(|| crate::screen::screen_two_pass(&rules, shared, as_of, &tick));
        bar.finish_and_clear();
        write_out(&args, &pool, |out| {
            let mut json = output::json::Stream::start(&screening.run, out)?;
            screening.outcomes(WAVE, |outcomes| json.write(outcomes, out))?;
            json.finish(out)
        })?;
        let errors = screening.run.counts.errors;
        std::mem::forget(screening);
        errors
    } else {
        let mut report = pool.install(|| {
            crate::screen::screen_with_progress(&rules, std::sync::Arc::clone(&batch), as_of, &tick)
        });
        bar.finish_and_clear();
        if format == output::Format::Html {
            crate::screen::describe_events(&mut report, &batch, &rules);
        }
        // Streamed: the report is never held in memory a second time as text.
        write_out(&args, &pool, |out| output::render(&report, format, out))?;
        let errors = report.run.counts.errors;
        std::mem::forget(report);
        errors
    };
    // (Above and here: the process ends now, and freeing a million outcomes
    // and the batch one allocation at a time would take about a second and
    // change nothing.)
    std::mem::forget(batch);
    Ok(if errors > 0 {
        Exit::OutcomeErrors
    } else {
        Exit::Ok
    })
}

/// Writes the report to --out (whole or not at all) or stdout, in the pool:
/// rendering uses the worker threads too.
fn write_out(
    args: &ScreenArgs,
    pool: &rayon::ThreadPool,
    render: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + Send,
) -> anyhow::Result<()> {
    pool.install(|| match &args.out {
        Some(path) => super::write_atomically_with(path, render),
        None => super::write_stdout_with(render),
    })
}

/// Persons decided and written at a time in the second pass (a multiple of
/// the stretch each memo screens, so both passes hand a person to one memo).
const WAVE: usize = 16_384;

/// The format a file name asks for: `report.html` is html.
fn format_of(out: Option<&Path>) -> output::Format {
    match out.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
        Some("json") => output::Format::Json,
        Some("csv") => output::Format::Csv,
        Some("html" | "htm") => output::Format::Html,
        _ => output::Format::Table,
    }
}

/// Refuses, before any work, an --out that cannot be written or that would
/// overwrite an input file.
fn check_out(out: &Path, batch: &crate::cli::BatchArgs) -> anyhow::Result<()> {
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        bail!(
            "cannot write {}: the folder {} does not exist",
            out.display(),
            folder.display()
        );
    }
    if out.is_dir() {
        bail!("cannot write {}: it is a folder", out.display());
    }
    let same = |input: &Path| match (input.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(&batch.persons) || same(&batch.events) {
        bail!(
            "--out {} would overwrite an input file; choose another name",
            out.display()
        );
    }
    Ok(())
}

/// What the loader found legal but most likely not meant (empty files,
/// municipalities that nearly match, nobody in scope). Warnings change no
/// decision and no exit status.
fn print_warnings(batch: &crate::load::Batch) {
    for warning in &batch.warnings {
        super::report(&format!("{warning}\n"));
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
