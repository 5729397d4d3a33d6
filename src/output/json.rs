//! `--format json`: the report as one pretty-printed JSON document.
//!
//! Outcomes are rendered on every worker thread, a bounded wave of chunks at a
//! time, and written in order: the same bytes as `serde_json::to_writer_pretty`
//! of the whole report (a test holds it to that), with at most one wave held
//! as text. [`Stream`] writes a report whose outcomes arrive in waves.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::outcome::{Outcome, Report, Run};

/// Outcomes per chunk one thread renders, and chunks rendered at once (one
/// per thread, and more to keep them busy).
const CHUNK: usize = 1024;
const CHUNKS_AT_ONCE: usize = 16;

/// Writes the document of a whole report.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_in_chunks(report, out, CHUNK, CHUNKS_AT_ONCE)
}

/// Writes the document of outcomes that come a wave at a time.
pub fn stream(source: &dyn super::Outcomes, out: &mut dyn Write) -> io::Result<()> {
    let mut stream = Stream::start(source.run(), out)?;
    source.each_wave(&mut |outcomes| stream.write(outcomes, out))?;
    stream.finish(out)
}

/// [`render`] with `chunk` outcomes per piece of work and `wave` pieces held
/// at once (small ones let tests cross every boundary).
#[doc(hidden)]
pub fn render_in_chunks(
    report: &Report,
    out: &mut dyn Write,
    chunk: usize,
    wave: usize,
) -> io::Result<()> {
    let mut stream = Stream::start(&report.run, out)?;
    for part in report.outcomes.chunks(chunk * wave) {
        stream.write_in_chunks(part, out, chunk)?;
    }
    stream.finish(out)
}

/// The document written piece by piece: the run header, then outcomes in
/// order as they come, then the end. For a screening too large to hold
/// (`screen::TwoPass`), and for [`render`].
pub struct Stream {
    written: bool,
}

impl Stream {
    /// Writes the document's start and the run header.
    pub fn start(run: &Run, out: &mut dyn Write) -> io::Result<Stream> {
        out.write_all(b"{\n  \"run\": ")?;
        out.write_all(&pretty(run, 2)?)?;
        out.write_all(b",\n  \"outcomes\": [")?;
        Ok(Stream { written: false })
    }

    /// Writes the next outcomes, rendered on every worker thread.
    pub fn write(&mut self, outcomes: &[Outcome], out: &mut dyn Write) -> io::Result<()> {
        self.write_in_chunks(outcomes, out, CHUNK)
    }

    fn write_in_chunks(
        &mut self,
        outcomes: &[Outcome],
        out: &mut dyn Write,
        chunk: usize,
    ) -> io::Result<()> {
        let first = !self.written;
        let texts = outcomes
            .par_chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                let mut text = Vec::with_capacity(part.len() * 800);
                for (i, outcome) in part.iter().enumerate() {
                    let lead: &[u8] = if first && c == 0 && i == 0 {
                        b"\n    "
                    } else {
                        b",\n    "
                    };
                    text.extend_from_slice(lead);
                    text.extend_from_slice(&pretty(outcome, 4)?);
                }
                Ok(text)
            })
            .collect::<io::Result<Vec<Vec<u8>>>>()?;
        for text in texts {
            out.write_all(&text)?;
        }
        self.written |= !outcomes.is_empty();
        Ok(())
    }

    /// Writes the document's end.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.written {
            b"\n  ]\n}\n"
        } else {
            b"]\n}\n"
        })
    }
}

/// `value` pretty-printed as if it stood `indent` spaces deep: JSON text has
/// no raw newlines inside strings, so indenting after each one is exact.
fn pretty(value: &impl Serialize, indent: usize) -> io::Result<Vec<u8>> {
    let text = serde_json::to_vec_pretty(value)?;
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', indent));
        }
        out.extend_from_slice(line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indenting_a_pretty_document_is_printing_it_deeper() {
        let value = serde_json::json!({"a": [1, {"b": "x\ny"}], "c": {}, "d": []});
        let nested = serde_json::json!([[value.clone()]]);
        let whole = serde_json::to_string_pretty(&nested).unwrap();
        let inner = String::from_utf8(pretty(&value, 4).unwrap()).unwrap();
        assert_eq!(whole, format!("[\n  [\n    {inner}\n  ]\n]"));
    }
}
