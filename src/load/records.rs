//! Streaming one input file: its table ([`super::table`]: CSV in any encoding
//! and separator, or a workbook sheet), the header checked against the
//! contract, then its records in chunks of a few thousand, each chunk one
//! buffer of cells. Chunks are cleaned ([`RawChunk::clean`]) and validated on
//! other threads while the next ones are read.

use super::csv_file::{Column, Header, check_header, run_on_row, swallowed_keys, wrong_width};
use super::source::{Input, ReadError};
use super::table::{Issue, Options, RawRows, Rows, Table};
use crate::diagnostic::Diagnostic;
use crate::text::clean_cell;

/// Records per chunk: enough to make handing a chunk over cheap, few enough
/// that the chunks in flight stay small (about half a MiB each).
const CHUNK_ROWS: usize = 8192;
/// Bytes per chunk, for files with long rows.
const CHUNK_BYTES: usize = 1 << 20;

/// Consecutive records of a file as read, each with the header's number of
/// fields.
pub struct RawChunk {
    /// The number of this chunk's first record among the file's records.
    pub first_row: u32,
    rows: RawRows,
    width: usize,
    /// Rows are CSV records, which may run over several lines.
    multiline: bool,
    /// Rows that are not records (a wrong number of fields), each with the
    /// number of this chunk's records before it.
    pub errors: Vec<(usize, Diagnostic)>,
    /// The key (first contract column) of each such row, when it could be
    /// read there: a person whose row was refused is not "unknown" to its
    /// events.
    pub refused: Vec<String>,
    /// In a file's first chunk: how many records the file may have, from its
    /// size and this chunk's bytes per record.
    pub estimate: Option<usize>,
}

/// A chunk whose cells are cleaned: trimmed, NFC text, or an [`Issue`].
pub struct Chunk {
    pub first_row: u32,
    rows: Rows,
    /// Fields per record: every record has the header's.
    width: usize,
    pub errors: Vec<(usize, Diagnostic)>,
    pub refused: Vec<String>,
    pub estimate: Option<usize>,
}

impl RawChunk {
    fn new(first_row: u32, width: usize, multiline: bool) -> RawChunk {
        RawChunk {
            first_row,
            rows: RawRows::with_capacity(CHUNK_ROWS, CHUNK_ROWS * width, CHUNK_BYTES / 4),
            width,
            multiline,
            errors: Vec::new(),
            refused: Vec::new(),
            estimate: None,
        }
    }

    /// How many records the chunk holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= CHUNK_ROWS || self.rows.text_len() >= CHUNK_BYTES
    }

    /// Checks and normalises every cell (the costly part of reading, so it
    /// runs on the worker threads).
    pub fn clean(self) -> Chunk {
        Chunk {
            first_row: self.first_row,
            rows: self.rows.clean(self.multiline),
            width: self.width,
            errors: self.errors,
            refused: self.refused,
            estimate: self.estimate,
        }
    }
}

impl Chunk {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The line a record starts on (the sheet row in a workbook).
    pub fn line(&self, record: usize) -> usize {
        self.rows.line(record)
    }

    /// A cleaned field of a record ("" for a cell with an issue).
    pub fn field(&self, record: usize, field: usize) -> &str {
        self.rows.cell_at(record * self.width + field)
    }

    /// The cells of a record that could not be read.
    pub fn issues_of(&self, record: usize) -> &[Issue] {
        self.rows.issues_of(record)
    }
}

/// One file, in the order it is read.
pub enum Part {
    /// The header's problems, and the header when it is usable (then its
    /// records follow).
    Header(Vec<Diagnostic>, Option<Header>),
    Rows(RawChunk),
    /// The file was read to its end: its SHA-256, lower-case hex, and the
    /// problems only its end could tell.
    End(String, Vec<Diagnostic>),
}

/// How one file is read: as a table, against a contract.
pub struct Reading<'a> {
    pub options: &'a Options,
    pub contract: &'a [Column],
    pub forbidden: &'a [String],
    /// The flag that picks this table's sheet (`--persons-sheet`).
    pub sheet_flag: &'a str,
}

/// Reads a file, handing its parts to `send` in order. Stops early when
/// `send` returns false (nobody listens any more).
pub fn read(
    input: Input,
    how: &Reading,
    send: &mut dyn FnMut(Part) -> bool,
) -> Result<(), ReadError> {
    let size = input.size;
    let mut table = match Table::open(input, how.options)? {
        Ok(table) => table,
        Err(problem) => {
            if send(Part::Header(vec![*problem], None)) {
                send(Part::End(String::new(), Vec::new()));
            }
            return Ok(());
        }
    };
    let multiline = table.multiline();
    let mut first = RawRows::default();
    let (problems, header) = if table.read_row(&mut first)? {
        check_header(
            table.place(),
            table.format(),
            &first.clean(multiline),
            how.contract,
            how.forbidden,
            how.sheet_flag,
        )
    } else {
        let empty = table
            .place()
            .diagnostic(
                "empty-file",
                "the file is empty: it has no header row",
                None,
                None,
            )
            .hint("export the table again: the first row names the columns (a table with a header and no rows is read)");
        (vec![empty], None)
    };
    let Some(usable) = &header else {
        if send(Part::Header(problems, header)) {
            let finished = table.finish()?;
            send(Part::End(finished.digest, finished.problems));
        }
        return Ok(());
    };
    let width = usable.width();
    // What wrong-width messages, made on this thread, need.
    let (place, kind) = (usable.place.clone(), usable.kind);
    let names: Vec<String> = (0..width).map(|f| usable.name(f).to_string()).collect();
    // The key column: read from a refused row so that its events are not
    // reported as unknown.
    let key = usable.field(how.contract[0].name);
    if !send(Part::Header(problems, header)) {
        return Ok(());
    }
    let mut rows = 0u32;
    let mut chunk = RawChunk::new(rows, width, multiline);
    while table.read_row(&mut chunk.rows)? {
        let last = chunk.rows.len() - 1;
        if chunk.rows.is_blank(last) {
            // A blank row (`;;;;` is how Excel writes one) holds nothing.
            chunk.rows.truncate(last);
            continue;
        }
        let found = chunk.rows.width(last);
        if found != width {
            let line = chunk.rows.line(last);
            // In CSV only: a sheet's cells stay in their columns.
            let run_on = (0..found).filter(|_| multiline).find(|&f| {
                chunk
                    .rows
                    .cell(last, f)
                    .iter()
                    .any(|&b| b == b'\r' || b == b'\n')
            });
            let problem = match run_on {
                // A stray quote: the run-on value is the cause of the count.
                Some(f) => {
                    let before: usize = (0..f)
                        .map(|j| crate::text::line_breaks(chunk.rows.cell(last, j)))
                        .sum();
                    if let Some(key) = key {
                        let text = String::from_utf8_lossy(chunk.rows.cell(last, f));
                        chunk.refused.extend(swallowed_keys(kind, key, &text));
                    }
                    let name = names.get(f).map(String::as_str);
                    run_on_row(&place, kind, (width, found), (line + before, f), name)
                }
                None => {
                    let first_beyond =
                        (width..found).find(|&f| !chunk.rows.cell(last, f).is_empty());
                    wrong_width(&place, kind, (width, found), line, first_beyond)
                }
            };
            chunk.errors.push((last, problem));
            if let Some(key) = key.filter(|&k| k < found) {
                if let Ok(id) = clean_cell(chunk.rows.cell(last, key)) {
                    if !id.is_empty() {
                        chunk.refused.push(id.into_owned());
                    }
                }
            }
            chunk.rows.truncate(last);
            continue;
        }
        rows = rows.checked_add(1).expect("fewer than 4 billion rows");
        if chunk.is_full() {
            if chunk.first_row == 0 {
                chunk.estimate = estimate(size, rows, table.bytes_read());
            }
            let next = RawChunk::new(rows, width, multiline);
            if !send(Part::Rows(std::mem::replace(&mut chunk, next))) {
                return Ok(());
            }
        }
    }
    if (chunk.len() > 0 || !chunk.errors.is_empty()) && !send(Part::Rows(chunk)) {
        return Ok(());
    }
    let finished = table.finish()?;
    send(Part::End(finished.digest, finished.problems));
    Ok(())
}

/// Records in a file of `size` bytes whose first `bytes` held `rows` records,
/// with a tenth to spare (room reserved and not used costs address space, not
/// memory).
fn estimate(size: Option<u64>, rows: u32, bytes: Option<u64>) -> Option<usize> {
    let per_row = bytes?.checked_div(u64::from(rows))?.max(1);
    usize::try_from(size? / per_row * 11 / 10).ok()
}
