//! Rendering a report. Every format carries the same decisions and renders the
//! same [`Report`]; none reads the clock or the environment, so the same report
//! gives the same bytes.

mod csv;
mod html;
pub mod json;
mod table;
pub mod terminal;

use std::io::{self, Write};

use crate::outcome::{Outcome, Report, Run};

/// The output formats of `tryg screen --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary and one line per person with a proposal (the terminal default).
    Table,
    /// The whole report as one JSON document (docs/data-format.md).
    Json,
    /// One flat row per person.
    Csv,
    /// A self-contained page for the reviewers: charts, the proposals with their
    /// reasons, and the meeting agenda.
    Html,
}

/// Outcomes in input order, a wave at a time, with their run header: what
/// the streamed formats (table, json, csv) read. A [`crate::screen::Screening`]
/// makes each wave when it is asked for; a [`Report`] is one wave.
pub trait Outcomes: Sync {
    /// The run header.
    fn run(&self) -> &Run;

    /// Calls `each` with consecutive waves of outcomes, in input order.
    ///
    /// # Errors
    /// The first error `each` returns.
    fn each_wave(&self, each: &mut dyn FnMut(&[Outcome]) -> io::Result<()>) -> io::Result<()>;
}

impl Outcomes for Report {
    fn run(&self) -> &Run {
        &self.run
    }

    fn each_wave(&self, each: &mut dyn FnMut(&[Outcome]) -> io::Result<()>) -> io::Result<()> {
        each(&self.outcomes)
    }
}

/// Persons made into outcomes and written at a time when streaming a
/// screening: about 20 MB of outcomes.
pub const STREAM_WAVE: usize = 16_384;

impl Outcomes for crate::screen::Screening<'_> {
    fn run(&self) -> &Run {
        &self.run
    }

    fn each_wave(&self, each: &mut dyn FnMut(&[Outcome]) -> io::Result<()>) -> io::Result<()> {
        self.for_each_wave(STREAM_WAVE, each)
    }
}

/// Writes outcomes in a streamed format (table, json or csv).
///
/// # Panics
/// For [`Format::Html`], which needs the whole report ([`render`]).
pub fn stream(source: &dyn Outcomes, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::render(source, out),
        Format::Json => json::stream(source, out),
        Format::Csv => csv::render(source, out),
        Format::Html => unreachable!("html is rendered from a whole report"),
    }
}

/// Writes a whole report in any format.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Html => html::render(report, out),
        other => stream(report, other, out),
    }
}
