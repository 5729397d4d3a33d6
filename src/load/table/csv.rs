//! A CSV file as a table: decoded to UTF-8 ([`super::decode`]), Excel's `sep=`
//! line taken off, the separator found, records parsed by the `csv` crate, and
//! each record's physical line looked up ([`super::lines`]).

use std::io::{self, Cursor, Read};

use super::decode::Decoder;
use super::lines::Lines;
use super::rows::RawRows;
use crate::load::source::Hashing;

/// The bytes of the file, digested as read.
pub type Source<'a> = Hashing<Box<dyn Read + Send + 'a>>;
type Stream<'a> = Lines<io::Chain<Cursor<Vec<u8>>, Decoder<Source<'a>>>>;

/// The longest first line looked at for `sep=` and the separator.
const PREFIX_CAP: usize = 1 << 20;

/// The separators told apart by looking at the header, in order of preference
/// on a tie.
const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

/// How the start of a file was read.
pub struct Prefix {
    pub delimiter: u8,
    /// An Excel `sep=` line was taken off (then the header is line 2).
    pub sep_line: bool,
}

/// Why the start of a file cannot be read as CSV.
pub enum PrefixProblem {
    /// A `sep=` line naming no separator, or more than one character, or one
    /// that is not ASCII.
    BadSepLine,
}

pub struct CsvTable<'a> {
    reader: csv::Reader<Stream<'a>>,
    record: csv::ByteRecord,
}

impl<'a> CsvTable<'a> {
    /// Reads the start of `decoded` (a `sep=` line, the header for the
    /// separator) and sets up the reader after it. `delimiter` is the one
    /// asked for, if any: it wins over a `sep=` line and over the header.
    pub fn open(
        mut decoded: Decoder<Source<'a>>,
        delimiter: Option<u8>,
    ) -> io::Result<Result<(CsvTable<'a>, Prefix), PrefixProblem>> {
        let mut head = Vec::new();
        let first = read_line(&mut decoded, &mut head, 0)?;
        let mut sep = None;
        if let Some(named) = sep_line(&head[..first]) {
            match named {
                [d] if d.is_ascii() && !b"\"\r\n".contains(d) => sep = Some(*d),
                _ => return Ok(Err(PrefixProblem::BadSepLine)),
            }
            head.drain(..first);
        }
        let delimiter = match (delimiter, sep) {
            (Some(d), _) | (None, Some(d)) => d,
            (None, None) => {
                let end = read_line(&mut decoded, &mut head, 0)?;
                sniff(&head[..end])
            }
        };
        let sep_line = sep.is_some();
        let stream = Lines::new(
            Cursor::new(head).chain(decoded),
            if sep_line { 2 } else { 1 },
        );
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // Rows of the wrong width are the loader's to report, once each.
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(stream);
        Ok(Ok((
            CsvTable {
                reader,
                record: csv::ByteRecord::new(),
            },
            Prefix {
                delimiter,
                sep_line,
            },
        )))
    }

    /// Appends the next record to `rows`; false at the end of the file.
    pub fn read_row(&mut self, rows: &mut RawRows) -> io::Result<bool> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(false),
            Ok(true) => {
                let byte = self.record.position().map_or(0, csv::Position::byte);
                let line = self.reader.get_mut().line_at(byte);
                rows.push_row(line, self.record.iter());
                Ok(true)
            }
            Err(e) => Err(into_io(e)),
        }
    }

    /// Bytes of decoded text parsed so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Whether the decoder saw UTF-8 where a single-byte encoding was asked for.
    pub fn looked_like_utf8(&self) -> bool {
        self.reader
            .get_ref()
            .get_ref()
            .get_ref()
            .1
            .looked_like_utf8()
    }

    /// The file's bytes, to be read to the end and digested.
    pub fn into_source(self) -> Source<'a> {
        let (_, decoder) = self.reader.into_inner().into_inner().into_inner();
        decoder.into_inner()
    }
}

/// Reads until `head[from..]` holds a whole line (with its CR, LF or CRLF) or
/// the file ends; returns where the line ends.
fn read_line(src: &mut impl Read, head: &mut Vec<u8>, from: usize) -> io::Result<usize> {
    let mut searched = from;
    loop {
        if let Some(i) = memchr::memchr2(b'\r', b'\n', &head[searched..]).map(|i| searched + i) {
            if head[i] == b'\n' {
                return Ok(i + 1);
            }
            // A CR: one more byte tells CR from CRLF.
            if i + 1 < head.len() {
                return Ok(if head[i + 1] == b'\n' { i + 2 } else { i + 1 });
            }
        }
        searched = head.len().saturating_sub(1).max(from);
        if head.len() >= PREFIX_CAP || fill(src, head)? == 0 {
            return Ok(head.len());
        }
    }
}

/// Reads some more bytes onto `head`; 0 at the end.
fn fill(src: &mut impl Read, head: &mut Vec<u8>) -> io::Result<usize> {
    let start = head.len();
    head.resize(start + 8192, 0);
    let n = loop {
        match src.read(&mut head[start..]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => break other,
        }
    };
    head.truncate(start + *n.as_ref().unwrap_or(&0));
    n
}

/// The separator an Excel `sep=` line names (`sep=;`, also quoted), if the
/// line is one.
fn sep_line(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = match line {
        [b'"', inner @ .., b'"'] => inner,
        _ => line,
    };
    (line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"sep=")).then(|| &line[4..])
}

/// The separator of a header line: the candidate found most often outside
/// quotes (`,` when none is).
fn sniff(header: &[u8]) -> u8 {
    let mut counts = [0usize; CANDIDATES.len()];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
                counts[k] += 1;
            }
        }
    }
    // The first of the most frequent: max_by_key keeps the last, so reversed.
    CANDIDATES
        .iter()
        .zip(counts)
        .rev()
        .max_by_key(|&(_, n)| n)
        .map_or(b',', |(&c, _)| c)
}

fn into_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_the_commonest_candidate() {
        assert_eq!(sniff(b"person_id;birth_date;municipality\r\n"), b';');
        assert_eq!(sniff(b"person_id,birth_date\n"), b',');
        assert_eq!(sniff(b"a\tb\tc"), b'\t');
        assert_eq!(sniff(b"\"a;b\",c"), b',', "quoted separators do not count");
        assert_eq!(sniff(b"person_id"), b',');
        assert_eq!(sniff(b"a;b,c"), b',', "a tie is a comma");
    }

    #[test]
    fn sep_lines_are_recognised() {
        assert_eq!(sep_line(b"sep=;\r\n"), Some(&b";"[..]));
        assert_eq!(sep_line(b"\"sep=,\"\n"), Some(&b","[..]));
        assert_eq!(sep_line(b"SEP=\t"), Some(&b"\t"[..]));
        assert_eq!(sep_line(b"person_id,sep"), None);
    }

    #[test]
    fn a_line_ends_at_its_line_end() {
        let mut head = Vec::new();
        let mut src: &[u8] = b"sep=;\r\nperson_id;x\rP1;2";
        assert_eq!(read_line(&mut src, &mut head, 0).unwrap(), 7);
        assert_eq!(read_line(&mut src, &mut head, 7).unwrap(), 19);
        assert_eq!(read_line(&mut src, &mut head, 19).unwrap(), 23);
    }
}
