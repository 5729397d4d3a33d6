//! One sheet of a workbook (`.xlsx`; also `.xls`, `.xlsb`, `.ods`, which
//! `calamine` reads the same way) as a table: the first row with a value is
//! the header, cells become the text a CSV export would hold, and each row
//! keeps its sheet row number, each cell its sheet column, for messages such
//! as `persons.xlsx:Sheet1!C3`.

use std::fmt::Write;
use std::io::Cursor;

use calamine::{Data, Reader, SheetType, Sheets};

use super::rows::{Problem, RawRows};

static EMPTY: Data = Data::Empty;

/// Which sheet holds the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetChoice {
    /// The first visible worksheet.
    First,
    /// The sheet of this name (`--persons-sheet`, `--events-sheet`); case and
    /// surrounding white space aside.
    Named(String),
    /// The sheet of this name if there is one, else the first: a workbook with
    /// sheets named `persons` and `events` holds a whole batch.
    Preferred(String),
}

/// Why a workbook's table cannot be read.
pub enum SheetProblem {
    /// Not a workbook calamine can open (damaged, encrypted, another format).
    NotAWorkbook,
    /// No sheet of the name asked for.
    NoSuchSheet { asked: String, sheets: Vec<String> },
    /// No worksheet at all.
    NoWorksheet,
    /// The sheet could not be read.
    Unreadable { sheet: String },
}

pub struct SheetTable {
    range: calamine::Range<Data>,
    /// The next row of `range` to read.
    next: usize,
    /// Cells of the header: up to its last non-empty one.
    width: usize,
    /// The sheet row (0-based) of `range`'s first row.
    first_row: u32,
    /// The name of the sheet and of every sheet of the workbook.
    pub name: String,
    pub sheets: Vec<String>,
}

impl SheetTable {
    /// Opens the workbook in `bytes` and reads the chosen sheet whole.
    pub fn open(bytes: &[u8], choice: &SheetChoice) -> Result<SheetTable, SheetProblem> {
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|_| SheetProblem::NotAWorkbook)?;
        let sheets = book.sheet_names();
        let name = choose(&book, choice)?;
        let range = book
            .worksheet_range(&name)
            .map_err(|_| SheetProblem::Unreadable {
                sheet: name.clone(),
            })?;
        let first_row = range.start().map_or(0, |(row, _)| row);
        let mut table = SheetTable {
            range,
            next: 0,
            width: 0,
            first_row,
            name,
            sheets,
        };
        // Leading blank rows are skipped; the header is the first row with a value.
        while table.next < table.range.height() && table.used(table.next) == 0 {
            table.next += 1;
        }
        table.width = table.used(table.next);
        Ok(table)
    }

    /// The sheet column (0-based) of the table's first column.
    pub fn first_column(&self) -> usize {
        self.range.start().map_or(0, |(_, col)| col as usize)
    }

    /// Appends the next row with a value to `rows`; false after the last. The
    /// header and every row are as wide as the header's last named column;
    /// a row with values further right keeps them, so its width tells.
    pub fn read_row(&mut self, rows: &mut RawRows) -> bool {
        while self.next < self.range.height() {
            let index = self.next;
            self.next += 1;
            let used = self.used(index);
            if used == 0 {
                continue;
            }
            let line = (self.first_row as usize) + index + 1;
            rows.start_row(line);
            let mut text = String::new();
            for col in 0..used.max(self.width) {
                text.clear();
                match cell_text(self.cell(index, col), &mut text) {
                    Ok(()) => rows.push_cell(text.as_bytes()),
                    Err(error) => {
                        rows.push_cell(b"");
                        rows.push_issue(Problem::ExcelError(error));
                    }
                }
            }
            return true;
        }
        false
    }

    /// A cell by row and column of the range.
    fn cell(&self, row: usize, col: usize) -> &Data {
        self.range.get((row, col)).unwrap_or(&EMPTY)
    }

    /// Cells of a row up to its last one with a value (0: a blank row).
    fn used(&self, row: usize) -> usize {
        (0..self.range.width())
            .rev()
            .find(|&col| !empty(self.cell(row, col)))
            .map_or(0, |col| col + 1)
    }
}

/// The name of the sheet to read.
fn choose<RS: std::io::Read + std::io::Seek>(
    book: &Sheets<RS>,
    choice: &SheetChoice,
) -> Result<String, SheetProblem> {
    let metadata = book.sheets_metadata();
    let same = |a: &str, b: &str| {
        crate::text::normalise(a).to_lowercase() == crate::text::normalise(b).to_lowercase()
    };
    let named = |asked: &str| metadata.iter().find(|s| same(&s.name, asked));
    let first = || {
        metadata
            .iter()
            .find(|s| s.typ == SheetType::WorkSheet && s.visible == calamine::SheetVisible::Visible)
            .or_else(|| metadata.iter().find(|s| s.typ == SheetType::WorkSheet))
    };
    let found = match choice {
        SheetChoice::First => first().ok_or(SheetProblem::NoWorksheet)?,
        SheetChoice::Named(asked) => named(asked).ok_or_else(|| SheetProblem::NoSuchSheet {
            asked: asked.clone(),
            sheets: metadata.iter().map(|s| s.name.clone()).collect(),
        })?,
        SheetChoice::Preferred(name) => named(name)
            .or_else(first)
            .ok_or(SheetProblem::NoWorksheet)?,
    };
    Ok(found.name.clone())
}

fn empty(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the text a CSV export would hold: numbers without a needless
/// fraction (`73241`, not `73241.0`), dates as `YYYY-MM-DD` (with the time
/// when it is not midnight, which the date check then refuses), booleans as
/// `true`/`false`. A formula error is returned as Excel writes it (`#N/A`).
fn cell_text(cell: &Data, out: &mut String) -> Result<(), String> {
    match cell {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => number(*f, out),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::DateTime(dt) => match dt.as_datetime().filter(|_| dt.is_datetime()) {
            Some(at) if at.time() == chrono::NaiveTime::MIN => {
                let _ = write!(out, "{}", at.format("%Y-%m-%d"));
            }
            Some(at) => {
                let _ = write!(out, "{}", at.format("%Y-%m-%d %H:%M:%S"));
            }
            None => number(dt.as_f64(), out),
        },
        Data::Error(e) => return Err(e.to_string()),
    }
    Ok(())
}

fn number(f: f64, out: &mut String) {
    // Whole numbers up to 2^53 are exact in a double.
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        let _ = write!(out, "{}", f as i64);
    } else {
        let _ = write!(out, "{f}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_a_csv_export_writes_them() {
        let text = |d: Data| {
            let mut s = String::new();
            cell_text(&d, &mut s).map(|()| s)
        };
        assert_eq!(text(Data::Float(73241.0)), Ok("73241".into()));
        assert_eq!(text(Data::Float(2.5)), Ok("2.5".into()));
        assert_eq!(text(Data::Int(7)), Ok("7".into()));
        assert_eq!(text(Data::Bool(true)), Ok("true".into()));
        assert_eq!(text(Data::Empty), Ok(String::new()));
        let date = |serial| {
            Data::DateTime(calamine::ExcelDateTime::new(
                serial,
                calamine::ExcelDateTimeType::DateTime,
                false,
            ))
        };
        // 2010-03-15 is day 40252 of Excel's 1900 calendar.
        assert_eq!(text(date(40252.0)), Ok("2010-03-15".into()));
        assert_eq!(text(date(40252.5)), Ok("2010-03-15 12:00:00".into()));
        assert_eq!(
            text(Data::Error(calamine::CellErrorType::NA)),
            Err("#N/A".into())
        );
    }
}
