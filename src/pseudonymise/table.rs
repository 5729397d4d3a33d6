//! The one door through which `pseudonymise` reads an extract: rows of named
//! text cells, each with its physical line number.
//!
//! Today it reads UTF-8 CSV (a byte-order mark is accepted) with the `csv`
//! crate. The screening's loader is growing more input forms (`.xlsx`, `;`
//! as delimiter, UTF-16, Windows-1252); when they land, [`open`] is the only
//! function to point at that shared reader, and everything behind
//! [`Table`] stays as it is.

use std::io;
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder, Trim};

use crate::diagnostic::Diagnostic;

/// One data row: the physical line it starts on (the header is line 1) and
/// its cells, trimmed, one per header column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based physical line of the file where the row starts.
    pub line: usize,
    /// The cells in header order, trimmed of spaces and tabs; `""` is empty.
    pub cells: Vec<String>,
}

/// What reading the next row gave.
#[derive(Debug)]
pub enum Next {
    /// A row.
    Row(Row),
    /// A row that could not be read (not UTF-8, a wrong number of fields),
    /// located; reading goes on after it.
    Problem(Diagnostic),
    /// The end of the file.
    End,
}

/// A table read row by row: its header, then its rows.
pub trait Table {
    /// The file's name as the user gave it, for messages.
    fn name(&self) -> &str;
    /// The header's cells, trimmed, in file order.
    fn header(&self) -> &[String];
    /// The next row. An `Err` is a file that cannot be read any further
    /// (a disk error); bad rows are [`Next::Problem`].
    fn next_row(&mut self) -> io::Result<Next>;
}

/// Why a table could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file cannot be read at all.
    #[error("cannot read {file}")]
    Io {
        /// The file, as given.
        file: String,
        /// The system's reason.
        #[source]
        error: io::Error,
    },
    /// The file has no usable header row.
    #[error("{0}")]
    Header(Box<Diagnostic>),
}

/// Opens an input file by its name.
///
/// Errors: a file that cannot be read; a file in a form this reader does not
/// know (`.xlsx`, `.xls`, `.ods`); an empty file or a header row that is not
/// UTF-8.
pub fn open(path: &Path) -> Result<Box<dyn Table>, OpenError> {
    let name = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if let Some(ext @ ("xlsx" | "xls" | "xlsm" | "ods")) = extension.as_deref() {
        return Err(OpenError::Header(Box::new(
            Diagnostic::new(
                "unsupported-form",
                &name,
                format!("pseudonymise reads CSV files, not .{ext} spreadsheets, for now"),
            )
            .hint("save the sheet as \"CSV UTF-8 (comma delimited)\" and give that file"),
        )));
    }
    let file = std::fs::File::open(path).map_err(|error| OpenError::Io {
        file: name.clone(),
        error,
    })?;
    CsvTable::new(name, file).map(|t| Box::new(t) as Box<dyn Table>)
}

/// A CSV table streamed from any reader.
pub struct CsvTable<R> {
    name: String,
    header: Vec<String>,
    reader: csv::Reader<R>,
    record: ByteRecord,
}

impl<R: io::Read> CsvTable<R> {
    /// Reads the header of a CSV stream.
    pub fn new(name: String, input: R) -> Result<CsvTable<R>, OpenError> {
        let mut reader = ReaderBuilder::new()
            .trim(Trim::All)
            // A row with the wrong number of fields is reported, not guessed at.
            .flexible(false)
            .from_reader(input);
        let header = match reader.byte_headers() {
            Ok(record) => record.clone(),
            Err(e) => return Err(open_error(&name, e)),
        };
        if header.is_empty() || header.iter().all(<[u8]>::is_empty) {
            return Err(OpenError::Header(Box::new(
                Diagnostic::new(
                    "missing-header",
                    &name,
                    "the file is empty: it needs a header row naming its columns",
                )
                .at(1, None),
            )));
        }
        let mut names = Vec::with_capacity(header.len());
        for (i, cell) in header.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(text) => names.push(text.to_string()),
                Err(_) => return Err(OpenError::Header(Box::new(not_utf8(&name, 1, i + 1)))),
            }
        }
        Ok(CsvTable {
            name,
            header: names,
            reader,
            record: ByteRecord::new(),
        })
    }
}

impl<R: io::Read> Table for CsvTable<R> {
    fn name(&self) -> &str {
        &self.name
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self) -> io::Result<Next> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(Next::End),
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line() as usize);
                let mut cells = Vec::with_capacity(self.record.len());
                for (i, cell) in self.record.iter().enumerate() {
                    match std::str::from_utf8(cell) {
                        Ok(text) => cells.push(text.to_string()),
                        Err(_) => return Ok(Next::Problem(not_utf8(&self.name, line, i + 1))),
                    }
                }
                Ok(Next::Row(Row { line, cells }))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                match e.into_kind() {
                    csv::ErrorKind::Io(error) => Err(error),
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => Ok(Next::Problem(
                        Diagnostic::new(
                            "wrong-field-count",
                            &self.name,
                            format!("this row has {len} fields, the header has {expected_len}"),
                        )
                        .at(line, None)
                        .hint("a value containing a comma must be quoted"),
                    )),
                    other => Err(io::Error::other(format!("{other:?}"))),
                }
            }
        }
    }
}

fn open_error(name: &str, e: csv::Error) -> OpenError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    match e.into_kind() {
        csv::ErrorKind::Io(error) => OpenError::Io {
            file: name.to_string(),
            error,
        },
        // Byte headers are never decoded, so nothing else is expected here;
        // say what csv says, which holds no cell values.
        other => OpenError::Header(Box::new(
            Diagnostic::new(
                "unreadable-csv",
                name,
                format!("cannot read the header: {other:?}"),
            )
            .at(line, None),
        )),
    }
}

fn not_utf8(file: &str, line: usize, column: usize) -> Diagnostic {
    Diagnostic::new(
        "not-utf8",
        file,
        format!("field {column} is not valid UTF-8"),
    )
    .at(line, Some(column))
    .hint("save the file as UTF-8 (in Excel: \"CSV UTF-8\"); it looks like Latin-1 or Windows-1252")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(bytes: &'static [u8]) -> CsvTable<&'static [u8]> {
        CsvTable::new("x.csv".into(), bytes).unwrap()
    }

    fn rows(mut t: impl Table) -> Vec<Result<Row, String>> {
        let mut out = Vec::new();
        loop {
            match t.next_row().unwrap() {
                Next::Row(row) => out.push(Ok(row)),
                Next::Problem(d) => out.push(Err(d.to_string())),
                Next::End => return out,
            }
        }
    }

    #[test]
    fn rows_carry_their_physical_lines_and_trimmed_cells() {
        let t = table(b"\xef\xbb\xbfa, b\n1, x \n\"2\nmore\",y\n3,z\n");
        assert_eq!(
            t.header(),
            ["a", "b"],
            "the BOM is not part of the first name"
        );
        let got = rows(t);
        let row = |line, a: &str, b: &str| {
            Ok(Row {
                line,
                cells: vec![a.into(), b.into()],
            })
        };
        assert_eq!(
            got,
            [row(2, "1", "x"), row(3, "2\nmore", "y"), row(5, "3", "z")]
        );
    }

    #[test]
    fn bad_rows_are_located_and_reading_goes_on() {
        let got = rows(table(b"a,b\n1\n\xff,2\n3,4\n"));
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].as_ref().unwrap_err(),
            "x.csv:2: error[wrong-field-count]: this row has 1 fields, the header has 2\n  hint: a value containing a comma must be quoted"
        );
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .starts_with("x.csv:3:1: error[not-utf8]")
        );
        assert_eq!(got[2].as_ref().unwrap().line, 4);
    }

    #[test]
    fn an_empty_file_has_no_header() {
        let e = CsvTable::new("x.csv".into(), &b""[..]).err().unwrap();
        assert!(e.to_string().contains("missing-header"), "{e}");
    }

    #[test]
    fn spreadsheets_are_refused_by_name_for_now() {
        let e = open(Path::new("extract.xlsx")).err().unwrap();
        assert!(e.to_string().contains("unsupported-form"), "{e}");
    }
}
