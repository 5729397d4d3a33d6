//! Physical line numbers for a CSV reader: the `csv` crate counts `\n` only,
//! so in a file with CR-only line ends (old Mac Excel) every row would be on
//! line 1. This reader passes the bytes on unchanged and notes where the line
//! ends are, so the line a record starts on can be looked up from the byte
//! offset `csv` gives it. CRLF, LF and a lone CR each end one line; blank
//! lines count.
//!
//! `csv` gives a record's offset as where it began looking for it: right after
//! the previous record's first terminator byte, so possibly before the LF of a
//! CRLF and before blank lines, which it skips. Line ends therefore come in
//! runs (consecutive CR and LF bytes), and a record that starts in or after a
//! run starts after all of it.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Consecutive line-end bytes.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    end: u64,
    /// Lines ended in the run (a CRLF is one).
    lines: usize,
    /// The run's last byte is a CR (an LF after it ends no line of its own).
    cr: bool,
}

pub struct Lines<R> {
    inner: R,
    /// Bytes passed on so far.
    offset: u64,
    /// Runs passed on, not yet looked up past.
    runs: VecDeque<Run>,
    /// The run at the end of what was passed on, which may go on.
    open: Option<Run>,
    /// The line of the last offset looked up.
    line: usize,
}

impl<R: Read> Lines<R> {
    /// Numbers the lines of `inner` from `first` (2 when a `sep=` line was
    /// taken off before).
    pub fn new(inner: R, first: usize) -> Lines<R> {
        Lines {
            inner,
            offset: 0,
            runs: VecDeque::new(),
            open: None,
            line: first,
        }
    }

    /// The line of a record `csv` says starts at `offset`. Offsets must be
    /// looked up in rising order (as records are read), once the record is
    /// read (so that its first byte has been passed on).
    pub fn line_at(&mut self, offset: u64) -> usize {
        while let Some(run) = self.runs.front().filter(|run| run.start <= offset) {
            self.line += run.lines;
            self.runs.pop_front();
        }
        self.line
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            let at = self.offset + i as u64;
            let cr = buf[i] == b'\r';
            match &mut self.open {
                Some(run) if run.end == at => {
                    if cr || !run.cr {
                        run.lines += 1;
                    }
                    run.end = at + 1;
                    run.cr = cr;
                }
                open => {
                    self.runs.extend(open.take());
                    *open = Some(Run {
                        start: at,
                        end: at + 1,
                        lines: 1,
                        cr,
                    });
                }
            }
        }
        self.offset += n as u64;
        // A run followed by other bytes is over.
        if self.open.is_some_and(|run| run.end < self.offset) {
            self.runs.extend(self.open.take());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each record `csv` reads from `text`, reading `read` bytes
    /// at a time.
    fn record_lines(text: &[u8], read: usize) -> Vec<usize> {
        struct Small<'a>(&'a [u8], usize);
        impl Read for Small<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Lines::new(Small(text, read), 1));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let offset = record.position().unwrap().byte();
            lines.push(reader.get_mut().line_at(offset));
        }
        lines
    }

    #[test]
    fn every_kind_of_line_end_counts_once() {
        let text = b"\na\nb\r\n\r\nc\rd\r\r\ne\n\nf,\"g\r\nh\"\ni\r\n\r\n";
        for read in [1, 2, 3, 64] {
            assert_eq!(
                record_lines(text, read),
                [2, 3, 5, 6, 8, 10, 12],
                "reading {read} bytes at a time"
            );
        }
    }
}
