//! The one door through which `pseudonymise` reads an extract: rows of named
//! text cells, each with its physical line number.
//!
//! It reads every form the screening reads, through the same reader
//! ([`crate::load::table`]): CSV in UTF-8 (with or without a byte-order mark),
//! UTF-16 with one, or another encoding named with `--encoding`; `,` or `;`
//! found by itself (or `--delimiter`), Excel's `sep=` line; and workbooks
//! (`.xlsx`, `.xls`, `.ods`), the first sheet or the one named. Every cell is
//! cleaned as the loader cleans it (trimmed, NFC; a line break or control
//! character inside a value is a located problem).

use std::io;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::load::Input;
use crate::load::table::{Format, Options, Place, RawRows, Table as Shared};

/// One data row: the physical line it starts on (the header is line 1; the
/// sheet row in a workbook) and its cells, one per header column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based physical line of the file where the row starts.
    pub line: usize,
    /// The cells in header order, trimmed and in NFC; `""` is empty.
    pub cells: Vec<String>,
    /// Cells that could not be read (a line break or a control character
    /// inside the value, another encoding), by 0-based field, each located;
    /// their text in `cells` is empty. Only a problem in a column that is
    /// passed on matters: a free-text column that is dropped may hold
    /// anything.
    pub problems: Vec<(usize, Diagnostic)>,
}

/// What reading the next row gave.
#[derive(Debug)]
pub enum Next {
    /// A row.
    Row(Row),
    /// A row that could not be read (a cell in another encoding, a line
    /// break inside a value, a wrong number of fields), located; reading
    /// goes on after it.
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
    /// Locates a problem found in a row's cells (`line` and 1-based
    /// `column` as [`Row`] gives them) the way the file is read: in a
    /// workbook, as the sheet's cell (`persons.xlsx:Sheet1!C3`).
    fn locate(&self, d: Diagnostic) -> Diagnostic {
        d
    }
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
    /// The file is not a table tryg can read, or has no usable header row.
    #[error("{0}")]
    Header(Box<Diagnostic>),
}

/// Opens an input file by its name, read as `options` say.
///
/// # Errors
/// A file that cannot be read; one that is not a table tryg can read (the
/// diagnostic says why and what to do); an empty file or a header with a
/// cell that cannot be read.
pub fn open(path: &Path, options: &Options) -> Result<Box<dyn Table>, OpenError> {
    let input = Input::open(path).map_err(|error| OpenError::Io {
        file: path.display().to_string(),
        error,
    })?;
    SharedTable::new(input, options).map(|t| Box::new(t) as Box<dyn Table>)
}

/// A table of the shared reader, row by row.
pub struct SharedTable {
    table: Shared<'static>,
    header: Vec<String>,
}

impl SharedTable {
    /// Opens `input` and reads its header row.
    ///
    /// # Errors
    /// As [`open`].
    pub fn new(input: Input<'static>, options: &Options) -> Result<SharedTable, OpenError> {
        let io_error = |e: crate::load::ReadError| OpenError::Io {
            file: e.file,
            error: e.error,
        };
        let mut table = Shared::open(input, options)
            .map_err(io_error)?
            .map_err(OpenError::Header)?;
        let mut raw = RawRows::default();
        if !table.read_row(&mut raw).map_err(io_error)? {
            return Err(OpenError::Header(Box::new(table.place().diagnostic(
                "missing-header",
                "the file is empty: the first line must name the columns",
                None,
                None,
            ))));
        }
        let rows = raw.clean(table.multiline());
        if let Some(issue) = rows.issues().first() {
            let d = crate::load::cell_problem(
                table.place(),
                table.format(),
                &format!("column {}", issue.field + 1),
                issue,
            );
            return Err(OpenError::Header(Box::new(d)));
        }
        let header = rows.cells(0).map(String::from).collect();
        Ok(SharedTable { table, header })
    }
}

impl Table for SharedTable {
    fn name(&self) -> &str {
        &self.table.place().file
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn next_row(&mut self) -> io::Result<Next> {
        let mut raw = RawRows::default();
        loop {
            raw.truncate(0);
            let more = self.table.read_row(&mut raw).map_err(|e| e.error)?;
            if !more {
                return Ok(Next::End);
            }
            // A blank line (or an empty sheet row) is no row.
            if !raw.is_blank(0) {
                break;
            }
        }
        let rows = raw.clean(self.table.multiline());
        let line = rows.line(0);
        let problems = rows
            .issues()
            .iter()
            .map(|issue| {
                let column = self.header.get(issue.field).map_or("", String::as_str);
                let place = self.table.place();
                let d = crate::load::cell_problem(place, self.table.format(), column, issue);
                (issue.field, d)
            })
            .collect();
        if rows.width(0) != self.header.len() {
            let d = self
                .table
                .place()
                .diagnostic(
                    "wrong-field-count",
                    format!(
                        "this row has {} fields, the header has {}",
                        rows.width(0),
                        self.header.len()
                    ),
                    Some(line),
                    None,
                )
                .hint(match self.table.format() {
                    Format::Csv { .. } => "a value containing the separator must be quoted",
                    Format::Sheet { .. } => "every value belongs in a column the header names",
                });
            return Ok(Next::Problem(d));
        }
        Ok(Next::Row(Row {
            line,
            cells: rows.cells(0).map(String::from).collect(),
            problems,
        }))
    }

    fn locate(&self, d: Diagnostic) -> Diagnostic {
        relocate(d, self.table.place())
    }
}

/// A diagnostic made with a field number (1-based) moved to where the
/// field is in `place`: the sheet's column, with the sheet named.
fn relocate(mut d: Diagnostic, place: &Place) -> Diagnostic {
    if d.file == place.file && place.sheet.is_some() && d.sheet.is_none() {
        d.column = d.column.map(|c| place.column(c - 1));
        d.sheet = place.sheet.clone();
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(bytes: &[u8]) -> SharedTable {
        SharedTable::new(
            Input::from_bytes("x.csv", bytes.to_vec()),
            &Options::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
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
        let t = table(b"\xef\xbb\xbfa, b\n1, x \n\n3,z\n");
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
                problems: Vec::new(),
            })
        };
        assert_eq!(got, [row(2, "1", "x"), row(4, "3", "z")]);
    }

    #[test]
    fn semicolons_and_windows_1252_are_read_as_the_screening_reads_them() {
        let options = Options {
            encoding: Some(encoding_rs::WINDOWS_1252),
            ..Options::default()
        };
        let t = SharedTable::new(
            Input::from_bytes("x.csv", b"a;b\n1;K\xf8benhavn\n".to_vec()),
            &options,
        )
        .unwrap();
        assert_eq!(
            rows(t),
            [Ok(Row {
                line: 2,
                cells: vec!["1".into(), "København".into()],
                problems: Vec::new(),
            })]
        );
    }

    #[test]
    fn bad_rows_and_cells_are_located_and_reading_goes_on() {
        let got = rows(table(b"a,b\n1\n\"x\ny\",2\n3,4\n"));
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].as_ref().unwrap_err().starts_with(
                "x.csv:2: error[wrong-field-count]: this row has 1 fields, the header has 2"
            ),
            "{got:?}"
        );
        let run_on = got[1].as_ref().unwrap();
        assert_eq!(run_on.cells, ["", "2"]);
        assert_eq!(run_on.problems.len(), 1);
        assert_eq!(run_on.problems[0].0, 0);
        assert!(
            run_on.problems[0]
                .1
                .to_string()
                .starts_with("x.csv:3:1: error["),
            "{got:?}"
        );
        assert_eq!(got[2].as_ref().unwrap().line, 5);
    }

    #[test]
    fn an_empty_file_has_no_header() {
        let e = SharedTable::new(Input::from_bytes("x.csv", Vec::new()), &Options::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains("missing-header"), "{e}");
    }

    #[test]
    fn a_problem_in_a_sheet_is_named_by_its_cell() {
        let place = Place {
            file: "p.xlsx".into(),
            sheet: Some("Ark1".into()),
            first_column: 1,
        };
        let d = relocate(Diagnostic::new("x", "p.xlsx", "m").at(3, Some(2)), &place);
        assert_eq!(d.to_string(), "p.xlsx:Ark1!C3: error[x]: m");
    }
}
