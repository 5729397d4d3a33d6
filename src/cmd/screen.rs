//! `tryg screen`: load rules, load the batch, screen, write the report.

use anyhow::Context;

use crate::cli::ScreenArgs;
use crate::exit::Exit;
use crate::load::{Batch, InputFile};
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
    let as_of = args
        .batch
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let persons = read_input(&args.batch.persons)?;
    let events = read_input(&args.batch.events)?;
    let batch = match Batch::load(&persons, &events, &rules) {
        Ok(batch) => batch,
        Err(problems) => {
            super::report(&format!(
                "{problems}error: {} problem(s) in the input; nothing was screened or written\n",
                problems.total()
            ));
            return Ok(Exit::BadInput);
        }
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .context("cannot start worker threads")?;
    let report = pool.install(|| crate::screen::screen(&rules, batch, as_of));

    let mut bytes = Vec::new();
    output::render(&report, args.format, &mut bytes).context("cannot render the report")?;
    match &args.out {
        Some(path) => super::write_atomically(path, &bytes)?,
        None => super::write_stdout(&bytes)?,
    }
    Ok(if report.run.counts.errors > 0 {
        Exit::OutcomeErrors
    } else {
        Exit::Ok
    })
}

fn read_input(path: &std::path::Path) -> anyhow::Result<InputFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(InputFile {
        name: path.display().to_string(),
        bytes,
    })
}
