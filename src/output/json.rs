//! `--format json`: the report as one pretty-printed JSON document.

use std::io::{self, Write};

use crate::outcome::Report;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
