//! Raw tables: a header and rows of text cells, each row with its physical
//! line, read from a CSV file in any of the forms spreadsheet exports take, or
//! from a sheet of a workbook. No data-contract (SPEC §1) validation happens
//! here: no column is required or known, no value is checked for what it
//! means. What does happen is what every reader of such files needs:
//!
//! - **Encodings.** UTF-8 with or without a byte-order mark (passed through:
//!   the fast path); UTF-16 LE or BE with a byte-order mark; any other
//!   encoding asked for by [`Options::encoding`] (`windows-1252` for Latin-1
//!   exports), decoded with `encoding_rs`. A byte-order mark wins over what was
//!   asked. UTF-16 without a byte-order mark is refused rather than guessed,
//!   and so is a valid UTF-8 file read as a single-byte encoding (it would turn
//!   æ into `Ã¦` silently).
//! - **Separators.** [`Options::delimiter`] when given; else Excel's `sep=;` /
//!   `sep=,` first line (taken off; the header is then line 2); else whichever
//!   of `,` `;` TAB the header line holds most of, outside quotes (`,` on a tie
//!   or when none is there).
//! - **Lines.** A row's line is the physical line it starts on, counting LF,
//!   CRLF and lone-CR line ends alike and blank lines too (the `csv` crate
//!   alone counts LF only). A blank line is no row.
//! - **Workbooks** (recognised by their first bytes, whatever the file is
//!   called): the sheet [`Options::sheet`] names, else the first visible
//!   worksheet, read whole with `calamine`; its first row with a value is the
//!   header, a row's line is its sheet row number and [`Place`] turns a field
//!   into its sheet column, so messages read `persons.xlsx:Sheet1!C3`.
//!   Numbers are written without a needless fraction, dates as `YYYY-MM-DD`,
//!   booleans as `true`/`false`; a formula error is an [`Issue`].
//! - **Cells.** Rows come as [`RawRows`] (bytes, ASCII blanks at the ends
//!   removed); [`RawRows::clean`] makes them [`Rows`] of trimmed, NFC text and
//!   lists each cell that is not UTF-8 or holds a line break, a control
//!   character or U+FFFD as an [`Issue`] (see [`crate::text::clean_cell`]).
//!   Rows may differ in width: what a width means is the caller's business.
//!
//! The file's SHA-256 is taken of its bytes as given, on the way through.
//!
//! ```no_run
//! use tryg::load::Input;
//! use tryg::load::table::{Options, RawRows, Table};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The outer error: a file that cannot be read; the inner: not a table.
//! let mut table = Table::open(Input::open("extract.xlsx".as_ref())?, &Options::default())??;
//! let mut raw = RawRows::default();
//! while table.read_row(&mut raw)? {}
//! let (place, multiline) = (table.place().clone(), table.multiline());
//! let finished = table.finish()?;
//! let rows = raw.clean(multiline); // row 0 is the header
//! for issue in rows.issues() {
//!     // Located as `extract.xlsx:Sheet1!B3` (or `extract.csv:3:2`); no value shown.
//!     let at = (Some(issue.line), Some(issue.field));
//!     eprintln!("{}", place.diagnostic("unreadable-cell", format!("{:?}", issue.problem), at.0, at.1));
//! }
//! println!("{} rows, sha256 {}", rows.len(), finished.digest);
//! # Ok(()) }
//! ```
//!
//! A large file is read in pieces: fill a [`RawRows`] up to a few thousand
//! rows, hand it to another thread to [`RawRows::clean`], start a new one.
//! Nothing here needs a rule set or a config.
//!
//! The loader ([`crate::load`]) reads persons and events through this, in
//! chunks cleaned and checked in parallel; `tryg pseudonymise` is meant to
//! read raw extracts through it too, without a rule set.

mod csv;
mod decode;
mod lines;
mod rows;
mod sheet;

use std::fmt::Write as _;
use std::io::Read;

pub use decode::for_label as encoding_for_label;
pub use rows::{Issue, Problem, RawRows, Rows};
pub use sheet::SheetChoice;

use self::csv::{CsvTable, PrefixProblem};
use self::decode::{Decoder, Sniffed};
use self::sheet::{SheetProblem, SheetTable};
use super::source::{Input, ReadError};
use crate::diagnostic::Diagnostic;

/// How to read a file. The default reads UTF-8 (or what a byte-order mark
/// says), finds the separator itself, and takes a workbook's first sheet.
#[derive(Debug, Clone)]
pub struct Options {
    /// The field separator (an ASCII byte); `None` to find it.
    pub delimiter: Option<u8>,
    /// The encoding of a file without a byte-order mark; `None` for UTF-8.
    /// Ignored for workbooks.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The sheet of a workbook; ignored for CSV.
    pub sheet: SheetChoice,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            delimiter: None,
            encoding: None,
            sheet: SheetChoice::First,
        }
    }
}

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// A CSV file.
    Csv {
        /// The field separator used (an ASCII byte).
        delimiter: u8,
        /// The encoding read (`UTF-8`, `UTF-16LE`, `windows-1252`, …).
        encoding: &'static str,
        /// Whether an Excel `sep=` line came first.
        sep_line: bool,
    },
    /// A sheet of a workbook.
    Sheet {
        /// The sheet read.
        name: String,
        /// Every sheet of the workbook, in order.
        sheets: Vec<String>,
    },
}

/// Where a table's cells are, to locate messages: `persons.csv:3:2` or
/// `persons.xlsx:Sheet1!B3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file as the user named it.
    pub file: String,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// The sheet column (0-based) of the table's first field; 0 for CSV.
    pub first_column: usize,
}

impl Place {
    fn new(file: &str) -> Place {
        Place {
            file: file.to_string(),
            sheet: None,
            first_column: 0,
        }
    }

    /// The 1-based column of a 0-based field: the field number in CSV, the
    /// sheet column (A = 1) in a workbook.
    pub fn column(&self, field: usize) -> usize {
        self.first_column + field + 1
    }

    /// A diagnostic located on `line` (if known) and at `field` (if known).
    pub fn diagnostic(
        &self,
        code: &'static str,
        message: impl Into<String>,
        line: Option<usize>,
        field: Option<usize>,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(code, self.file.clone(), message);
        if let Some(line) = line {
            d = d.at(line, field.map(|f| self.column(f)));
        }
        d.sheet = self.sheet.clone();
        d
    }
}

/// A table being read, row by row.
pub struct Table<'a> {
    inner: Inner<'a>,
    place: Place,
    format: Format,
}

enum Inner<'a> {
    Csv(Box<CsvTable<'a>>),
    Sheet(Box<SheetTable>, String),
}

/// A table read to its end.
#[derive(Debug)]
pub struct Finished {
    /// SHA-256 of the file's bytes as given, lower-case hex.
    pub digest: String,
    /// Problems of the whole file only known at its end.
    pub problems: Vec<Diagnostic>,
}

/// Zip (`.xlsx`, `.xlsb`, `.ods`) and OLE2 (`.xls`) files start so.
const WORKBOOK_MAGIC: [[u8; 4]; 2] = [*b"PK\x03\x04", [0xd0, 0xcf, 0x11, 0xe0]];

impl<'a> Table<'a> {
    /// Opens a table. The outer error is a file that cannot be read; the
    /// inner one, a file that is not a table tryg can read (with why and
    /// what to do).
    pub fn open(
        input: Input<'a>,
        options: &Options,
    ) -> Result<Result<Table<'a>, Box<Diagnostic>>, ReadError> {
        let name = input.name.clone();
        let failed = |error| ReadError {
            file: name.clone(),
            error,
        };
        let mut place = Place::new(&name);
        let mut source = input.into_hashing();
        let mut head = Vec::with_capacity(4);
        (&mut source)
            .take(4)
            .read_to_end(&mut head)
            .map_err(failed)?;

        if WORKBOOK_MAGIC.iter().any(|m| head.as_slice() == m) {
            let mut bytes = head;
            source.read_to_end(&mut bytes).map_err(failed)?;
            let digest = source.finish().map_err(failed)?;
            let table = match SheetTable::open(&bytes, &options.sheet) {
                Ok(table) => table,
                Err(problem) => return Ok(Err(Box::new(sheet_problem(&place, problem)))),
            };
            place.sheet = Some(table.name.clone());
            place.first_column = table.first_column();
            let format = Format::Sheet {
                name: table.name.clone(),
                sheets: table.sheets.clone(),
            };
            return Ok(Ok(Table {
                inner: Inner::Sheet(Box::new(table), digest),
                place,
                format,
            }));
        }

        let (encoding, bom) = match decode::sniff(&head, options.encoding) {
            Sniffed::Read { encoding, bom } => (encoding, bom),
            Sniffed::Utf16WithoutBom => {
                return Ok(Err(Box::new(
                    place
                        .diagnostic(
                            "utf16-without-bom",
                            "the file looks like UTF-16 without a byte-order mark, which cannot be told LE from BE for certain",
                            None,
                            None,
                        )
                        .hint("save it as \"CSV UTF-8\", or say which it is with --encoding utf-16le (or utf-16be)"),
                )));
            }
        };
        let decoder = Decoder::new(source, head, encoding, bom);
        let (table, prefix) = match CsvTable::open(decoder, options.delimiter).map_err(failed)? {
            Ok(opened) => opened,
            Err(PrefixProblem::BadSepLine) => {
                return Ok(Err(Box::new(
                    place
                        .diagnostic(
                            "bad-sep-line",
                            "the `sep=` line does not name one separator character",
                            Some(1),
                            None,
                        )
                        .hint("Excel writes `sep=;` or `sep=,`: correct the line, or remove it and give --delimiter"),
                )));
            }
        };
        let format = Format::Csv {
            delimiter: prefix.delimiter,
            encoding: encoding.name(),
            sep_line: prefix.sep_line,
        };
        Ok(Ok(Table {
            inner: Inner::Csv(Box::new(table)),
            place,
            format,
        }))
    }

    /// Where the table's cells are.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// What the file turned out to be.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// Whether a row can run over several physical lines (CSV, where a quoted
    /// value may hold line breaks); [`RawRows::clean`] takes this.
    pub fn multiline(&self) -> bool {
        matches!(self.inner, Inner::Csv(_))
    }

    /// Bytes of (decoded) CSV text read so far; `None` for a workbook.
    pub fn bytes_read(&self) -> Option<u64> {
        match &self.inner {
            Inner::Csv(csv) => Some(csv.bytes_read()),
            Inner::Sheet(..) => None,
        }
    }

    /// Appends the next row (the first is the header) to `rows`; false at the
    /// end of the table.
    pub fn read_row(&mut self, rows: &mut RawRows) -> Result<bool, ReadError> {
        match &mut self.inner {
            Inner::Csv(csv) => csv.read_row(rows).map_err(|error| ReadError {
                file: self.place.file.clone(),
                error,
            }),
            Inner::Sheet(sheet, _) => Ok(sheet.read_row(rows)),
        }
    }

    /// Reads what is left of the file (a reader that stopped early still gets
    /// the digest of the whole file) and says what only its end could tell.
    pub fn finish(self) -> Result<Finished, ReadError> {
        let failed = |error| ReadError {
            file: self.place.file.clone(),
            error,
        };
        match self.inner {
            Inner::Sheet(_, digest) => Ok(Finished {
                digest,
                problems: Vec::new(),
            }),
            Inner::Csv(csv) => {
                let mut problems = Vec::new();
                if csv.looked_like_utf8() {
                    let Format::Csv { encoding, .. } = self.format else {
                        unreachable!("a CSV table has a CSV format")
                    };
                    problems.push(
                        self.place
                            .diagnostic(
                                "encoding-mismatch",
                                format!("the file is UTF-8, but --encoding reads it as {encoding}: every æ, ø and å would become two other letters"),
                                None,
                                None,
                            )
                            .hint("leave out --encoding: UTF-8 is read as it is"),
                    );
                }
                let digest = csv.into_source().finish().map_err(failed)?;
                Ok(Finished { digest, problems })
            }
        }
    }
}

fn sheet_problem(place: &Place, problem: SheetProblem) -> Diagnostic {
    match problem {
        SheetProblem::NotAWorkbook => place
            .diagnostic(
                "unreadable-workbook",
                "cannot read the workbook: it is damaged, protected by a password, or of a kind tryg does not read",
                None,
                None,
            )
            .hint("open it in Excel and save it again as .xlsx, or export the sheet as \"CSV UTF-8\""),
        SheetProblem::NoSuchSheet { asked, sheets } => place
            .diagnostic(
                "no-such-sheet",
                format!("the workbook has no sheet named `{asked}`"),
                None,
                None,
            )
            .hint(format!("its sheets are: {}", quoted_list(&sheets))),
        SheetProblem::NoWorksheet => place
            .diagnostic("no-worksheet", "the workbook has no worksheet", None, None)
            .hint("put the table on a visible worksheet (not a chart sheet), or export it as \"CSV UTF-8\""),
        SheetProblem::Unreadable { sheet } => place
            .diagnostic(
                "unreadable-sheet",
                format!("cannot read the sheet `{sheet}`: it is damaged"),
                None,
                None,
            )
            .hint("open the workbook in Excel and save it again, or export the sheet as \"CSV UTF-8\""),
    }
}

/// `a`, `b`, `c`
fn quoted_list(names: &[String]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let _ = write!(out, "{}`{name}`", if i == 0 { "" } else { ", " });
    }
    out
}
