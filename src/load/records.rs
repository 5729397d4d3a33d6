//! Streaming one CSV file: the header, then its records in chunks of a few
//! thousand, each chunk one buffer of trimmed fields. Chunks can be validated
//! on other threads while the next ones are read.

use csv::{ByteRecord, ReaderBuilder, Trim};

use super::csv_file::{Column, Header, check_header, csv_error};
use super::source::{Input, ReadError};
use crate::diagnostic::Diagnostic;

/// Records per chunk: enough to make handing a chunk over cheap, few enough
/// that the chunks in flight stay small (about half a MiB each).
const CHUNK_ROWS: usize = 8192;
/// Bytes per chunk, for files with long rows.
const CHUNK_BYTES: usize = 1 << 20;

/// Consecutive records of a file, each with the header's number of fields.
pub struct Chunk {
    /// The number of this chunk's first record among the file's records.
    pub first_row: u32,
    width: usize,
    text: Vec<u8>,
    /// Where each field ends in `text`, `width` per record.
    ends: Vec<u32>,
    lines: Vec<usize>,
    /// Rows that are not records (a wrong number of fields), each with the
    /// number of this chunk's records before it.
    pub errors: Vec<(usize, Diagnostic)>,
    /// In a file's first chunk: how many records the file may have, from its
    /// size and this chunk's bytes per record.
    pub estimate: Option<usize>,
}

impl Chunk {
    fn new(first_row: u32, width: usize) -> Chunk {
        Chunk {
            first_row,
            width,
            text: Vec::with_capacity(CHUNK_BYTES / 4),
            ends: Vec::with_capacity(CHUNK_ROWS * width),
            lines: Vec::with_capacity(CHUNK_ROWS),
            errors: Vec::new(),
            estimate: None,
        }
    }

    /// How many records the chunk holds.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The CSV line a record starts on (the header is line 1).
    pub fn line(&self, record: usize) -> usize {
        self.lines[record]
    }

    /// A trimmed field of a record.
    pub fn field(&self, record: usize, field: usize) -> &[u8] {
        let k = record * self.width + field;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    fn push(&mut self, record: &ByteRecord) {
        for field in record {
            // What `csv::Trim::All` does to a byte record.
            self.text.extend_from_slice(field.trim_ascii());
            let end = u32::try_from(self.text.len()).expect("a chunk is far below 4 GiB");
            self.ends.push(end);
        }
        self.lines
            .push(record.position().map_or(0, |p| p.line() as usize));
    }

    fn is_full(&self) -> bool {
        self.lines.len() >= CHUNK_ROWS || self.text.len() >= CHUNK_BYTES
    }
}

/// One file, in the order it is read.
pub enum Part {
    /// The header's problems, and the header when it is usable (then its
    /// records follow).
    Header(Vec<Diagnostic>, Option<Header>),
    /// The next records.
    Rows(Chunk),
    /// The file was read to its end: its SHA-256, lower-case hex.
    End(String),
}

/// Reads a file, handing its parts to `send` in order. Stops early when
/// `send` returns false (nobody listens any more).
pub fn read(
    input: Input,
    contract: &[Column],
    forbidden: &[String],
    send: &mut dyn FnMut(Part) -> bool,
) -> Result<(), ReadError> {
    let (file, size) = (input.name.clone(), input.size);
    let failed = |error| ReadError {
        file: file.clone(),
        error,
    };
    let mut reader = ReaderBuilder::new()
        // Fields are trimmed as they are copied into a chunk.
        .trim(Trim::Headers)
        .buffer_capacity(1 << 16)
        .from_reader(input.into_hashing());
    let header = match reader.headers() {
        Ok(record) => check_header(&file, record.clone(), contract, forbidden),
        Err(e) if e.is_io_error() => return Err(failed(into_io(e))),
        Err(e) => (vec![csv_error(&file, &e)], None),
    };
    let width = header.1.as_ref().map(|h| h.record.len());
    if !send(Part::Header(header.0, header.1)) {
        return Ok(());
    }
    if let Some(width) = width {
        let mut raw = ByteRecord::new();
        let mut rows = 0u32;
        let mut chunk = Chunk::new(rows, width);
        loop {
            match reader.read_byte_record(&mut raw) {
                Ok(false) => break,
                Ok(true) => {
                    chunk.push(&raw);
                    rows = rows.checked_add(1).expect("fewer than 4 billion rows");
                    if chunk.is_full() {
                        if chunk.first_row == 0 {
                            chunk.estimate = estimate(size, rows, reader.position().byte());
                        }
                        let next = Chunk::new(rows, width);
                        if !send(Part::Rows(std::mem::replace(&mut chunk, next))) {
                            return Ok(());
                        }
                    }
                }
                Err(e) if e.is_io_error() => return Err(failed(into_io(e))),
                Err(e) => {
                    let recoverable = matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    chunk.errors.push((chunk.len(), csv_error(&file, &e)));
                    if !recoverable {
                        break;
                    }
                }
            }
        }
        if (chunk.len() > 0 || !chunk.errors.is_empty()) && !send(Part::Rows(chunk)) {
            return Ok(());
        }
    }
    let digest = reader.into_inner().finish().map_err(failed)?;
    send(Part::End(digest));
    Ok(())
}

/// Records in a file of `size` bytes whose first `bytes` held `rows` records,
/// with a tenth to spare (room reserved and not used costs address space, not
/// memory).
fn estimate(size: Option<u64>, rows: u32, bytes: u64) -> Option<usize> {
    let per_row = bytes.checked_div(u64::from(rows))?.max(1);
    usize::try_from(size? / per_row * 11 / 10).ok()
}

fn into_io(error: csv::Error) -> std::io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
