//! Cells bound for a spreadsheet, and the one CSV writer every CSV tryg
//! writes for people goes through (`screen --format csv`, `review export`,
//! `report --format csv`).
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
//! formula, and Excel also after a leading tab or carriage return (issue 13,
//! item 4): an id such as `-A1`, a level name from tryg.toml or a rule's text
//! could then compute, or link, in the reader's spreadsheet. Every text cell
//! is therefore [`defuse`]d: such a cell gets a leading `'`, which the
//! spreadsheet shows as text. Numbers are typed ([`Cell::Int`],
//! [`Cell::Number`]) and written as they are: `-2` is a number, not a formula.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::proposal::Number;
use crate::time::Date;

/// One cell of a row, typed: text is defused on writing, the rest is not text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Nothing.
    Empty,
    /// Text, defused when written to CSV.
    Text(Cow<'a, str>),
    /// A whole number.
    Int(i64),
    /// A real number, without a fraction when whole.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A date, `YYYY-MM-DD` in CSV and a date cell in a workbook.
    Date(Date),
}

impl<'a> Cell<'a> {
    /// Text borrowed or owned.
    pub fn text(text: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(text.into())
    }

    /// Text, or nothing for `None`.
    pub fn maybe_text(text: Option<impl Into<Cow<'a, str>>>) -> Cell<'a> {
        text.map_or(Cell::Empty, |t| Cell::Text(t.into()))
    }

    /// A whole number, or nothing for `None`.
    pub fn maybe_int(n: Option<impl Into<i64>>) -> Cell<'a> {
        n.map_or(Cell::Empty, |n| Cell::Int(n.into()))
    }

    /// The cell as CSV writes it: text defused; with `decimal_comma`, a
    /// fraction written with `,` (as a Danish spreadsheet reads numbers).
    pub fn csv(&self, decimal_comma: bool) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => defuse(text),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Number(n) => {
                let text = Number(*n).to_string();
                if decimal_comma {
                    Cow::Owned(text.replace('.', ","))
                } else {
                    Cow::Owned(text)
                }
            }
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        }
    }
}

/// Text a spreadsheet would run as a formula (it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) with a leading `'`; any other text as it is.
pub fn defuse(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// How a CSV file is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvStyle {
    /// `,` between fields, `.` in numbers, no byte-order mark (RFC 4180).
    #[default]
    Plain,
    /// For Excel in a Danish (or other European) locale: a UTF-8 byte-order
    /// mark, so æøå read right; `;` between fields and `,` in numbers, so the
    /// file opens as columns with a double-click.
    Excel,
}

/// A CSV writer whose every text cell is defused.
pub struct CsvOut<W: Write> {
    writer: csv::Writer<W>,
    style: CsvStyle,
}

impl<W: Write> CsvOut<W> {
    /// Starts a CSV file in `style` (writing the byte-order mark of
    /// [`CsvStyle::Excel`]).
    ///
    /// # Errors
    /// Write errors.
    pub fn new(mut out: W, style: CsvStyle) -> io::Result<CsvOut<W>> {
        let mut builder = csv::WriterBuilder::new();
        if style == CsvStyle::Excel {
            out.write_all("\u{feff}".as_bytes())?;
            builder.delimiter(b';');
        }
        Ok(CsvOut {
            writer: builder.from_writer(out),
            style,
        })
    }

    /// Writes a header of column names (defused like any text).
    ///
    /// # Errors
    /// Write errors.
    pub fn header(&mut self, names: &[&str]) -> io::Result<()> {
        self.writer
            .write_record(names.iter().map(|n| defuse(n).into_owned()))?;
        Ok(())
    }

    /// Writes one row.
    ///
    /// # Errors
    /// Write errors.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        let comma = self.style == CsvStyle::Excel;
        self.writer
            .write_record(cells.iter().map(|c| c.csv(comma).into_owned()))?;
        Ok(())
    }

    /// Flushes what is buffered.
    ///
    /// # Errors
    /// Write errors.
    pub fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_defused() {
        for bad in ["=HYPERLINK(1)", "+1", "-A1", "@SUM(1)", "\tx", "\rx"] {
            assert_eq!(defuse(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["rules/x.rhai line 2", "SSP+", "København", "", "'quoted"] {
            assert_eq!(defuse(fine), fine);
        }
    }

    #[test]
    fn numbers_are_written_as_numbers_and_text_is_defused() {
        assert_eq!(Cell::Int(-2).csv(false), "-2");
        assert_eq!(Cell::Number(-2.5).csv(false), "-2.5");
        assert_eq!(Cell::Number(-2.5).csv(true), "-2,5");
        assert_eq!(Cell::Number(3.0).csv(true), "3");
        assert_eq!(Cell::text("-2").csv(false), "'-2");
        assert_eq!(Cell::Bool(true).csv(false), "true");
    }

    #[test]
    fn the_excel_style_has_a_byte_order_mark_and_semicolons() {
        let mut bytes = Vec::new();
        {
            let mut csv = CsvOut::new(&mut bytes, CsvStyle::Excel).unwrap();
            csv.header(&["a", "b"]).unwrap();
            csv.row(&[Cell::text("x;y"), Cell::Number(0.5)]).unwrap();
            csv.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}a;b\n\"x;y\";0,5\n"
        );
    }
}
