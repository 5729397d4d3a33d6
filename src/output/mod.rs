//! Rendering a report. Every format carries the same decisions and renders the
//! same [`Report`]; none reads the clock or the environment, so the same report
//! gives the same bytes.

mod csv;
mod html;
pub mod json;
mod table;

use std::io::{self, Write};

use crate::outcome::Report;

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

pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Html => html::render(report, out),
    }
}
