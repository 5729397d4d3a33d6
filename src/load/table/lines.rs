//! Physical line numbers for a CSV reader: the `csv` crate counts `\n` only,
//! so in a file with CR-only line ends (old Mac Excel) every row would be on
//! line 1. This reader passes the bytes on unchanged and notes where each
//! line ends, so the line a record starts on can be looked up from the byte
//! offset `csv` gives it. CRLF, LF and a lone CR each end one line; blank lines
//! count.

use std::collections::VecDeque;
use std::io::{self, Read};

pub struct Lines<R> {
    inner: R,
    /// Bytes passed on so far.
    offset: u64,
    /// Offsets just after each line end passed on but not yet looked up past.
    ends: VecDeque<u64>,
    /// The offset of the last CR passed on: an LF right after it ends no
    /// second line.
    last_cr: Option<u64>,
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
            ends: VecDeque::new(),
            last_cr: None,
            line: first,
        }
    }

    /// The line of the byte at `offset`. Offsets must be looked up in rising
    /// order (as records are read), and be of bytes already passed on.
    pub fn line_at(&mut self, offset: u64) -> usize {
        while self.ends.front().is_some_and(|&end| end <= offset) {
            self.ends.pop_front();
            self.line += 1;
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
            if buf[i] == b'\r' {
                self.last_cr = Some(at);
            } else if self.last_cr.is_some_and(|cr| cr + 1 == at) {
                // CRLF: one line end, which ends after the LF.
                if let Some(end) = self.ends.back_mut().filter(|end| **end == at) {
                    *end = at + 1;
                }
                continue;
            }
            self.ends.push_back(at + 1);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each offset of `text`, read a few bytes at a time.
    fn lines(text: &[u8], read: usize) -> Vec<usize> {
        let mut lines = Lines::new(text, 1);
        let mut buf = vec![0; read];
        let mut passed = 0;
        let mut found = Vec::new();
        loop {
            let n = lines.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            passed += n;
            while found.len() < passed {
                found.push(lines.line_at(found.len() as u64));
            }
        }
        found
    }

    #[test]
    fn every_kind_of_line_end_counts_once() {
        let text = b"a\nb\r\nc\rd\r\r\ne\n\nf";
        let expected = [1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8];
        for read in [1, 2, 3, 64] {
            assert_eq!(
                lines(text, read),
                expected,
                "reading {read} bytes at a time"
            );
        }
    }
}
