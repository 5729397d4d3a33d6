//! Rendering a report. Every format carries the same decisions and renders the
//! same [`Report`]; none reads the clock or the environment, so the same report
//! gives the same bytes.

pub mod cell;
mod csv;
pub mod flat;
mod html;
pub mod json;
mod table;
pub mod terminal;
mod xlsx;

pub use cell::CsvStyle;
pub use xlsx::MAX_PERSONS as XLSX_MAX_PERSONS;

use std::io::{self, Write};

use crate::i18n::{Lang, Messages};
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
    /// An Excel workbook: the outcomes, the run header and the areas, with
    /// real numbers and dates (a binary file: give --out FILE.xlsx).
    Xlsx,
}

impl Format {
    /// Whether the format is a binary file, not text for a terminal.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
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

/// Writes outcomes in a streamed format (table, json, csv or xlsx), CSV in
/// its plain style.
///
/// # Panics
/// For [`Format::Html`], which needs the whole report ([`render`]).
pub fn stream(source: &dyn Outcomes, format: Format, out: &mut dyn Write) -> io::Result<()> {
    stream_with(source, format, CsvStyle::Plain, Lang::En, out)
}

/// Writes a whole report in any format, CSV in its plain style.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    render_with(report, format, CsvStyle::Plain, Lang::En, out)
}

/// Writes outcomes in a streamed format (table, json, csv in `csv`'s style,
/// or xlsx, which is made as the waves come and written whole at the end).
///
/// # Panics
/// For [`Format::Html`], which needs the whole report ([`render_with`]).
pub fn stream_with(
    source: &dyn Outcomes,
    format: Format,
    csv: CsvStyle,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::render(source, Messages::of(lang), out),
        Format::Json => json::stream(source, out),
        Format::Csv => csv::render(source, csv, out),
        Format::Xlsx => xlsx::render(source, out),
        Format::Html => unreachable!("html is rendered from a whole report"),
    }
}

/// Writes a whole report in any format, CSV in `csv`'s style.
pub fn render_with(
    report: &Report,
    format: Format,
    csv: CsvStyle,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Html => html::render(report, lang, out),
        other => stream_with(report, other, csv, lang, out),
    }
}
