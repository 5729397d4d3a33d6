//! `tryg screen`: load rules, load the batch, screen, write the report.

use anyhow::Context;

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
    let batch = match super::load_batch(&args.batch, &rules)? {
        Ok(batch) => batch,
        Err(exit) => return Ok(exit),
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .context("cannot start worker threads")?;
    let batch = std::sync::Arc::new(batch);
    let mut report =
        pool.install(|| crate::screen::screen_shared(&rules, std::sync::Arc::clone(&batch), as_of));
    if args.format == output::Format::Html {
        crate::screen::describe_events(&mut report, &batch, &rules);
    }

    // Streamed: the report is never held in memory a second time as text.
    let render = |out: &mut dyn std::io::Write| output::render(&report, args.format, out);
    match &args.out {
        Some(path) => super::write_atomically_with(path, render)?,
        None => super::write_stdout_with(render)?,
    }
    Ok(if report.run.counts.errors > 0 {
        Exit::OutcomeErrors
    } else {
        Exit::Ok
    })
}
