//! Rows of a table in one buffer: the cells of thousands of rows end to end,
//! without an allocation per cell. [`RawRows`] is what a reader fills (bytes
//! as found, with ASCII spaces and tabs at either end of a cell removed);
//! [`RawRows::clean`] turns them into [`Rows`] of validated, normalised text
//! (see [`crate::text::clean_cell`]), listing every cell it could not read as
//! an [`Issue`]. Cleaning is the costly step, and is done by whoever holds the
//! rows (the loader does it on its worker threads), not by the reader.

use std::borrow::Cow;

use crate::text::{CellProblem, clean_cell, is_printable_ascii, line_breaks};

/// Why one cell of a row cannot be read as a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The cell's text (see [`CellProblem`]).
    Text(CellProblem),
    /// A workbook cell holding a formula error (`#N/A`, `#DIV/0!`, …), given
    /// as Excel writes it.
    ExcelError(String),
}

/// A cell that could not be read: which row (of its buffer), which field of
/// the row (0-based), the line it is on and what is wrong. The cell's text is
/// empty in [`Rows`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The row in its buffer (0-based).
    pub row: usize,
    /// The field of the row (0-based); [`super::Place::column`] makes it the
    /// column a message names.
    pub field: usize,
    /// The physical line (CSV: the row's line plus the line breaks inside
    /// the cells before this one) or the sheet row.
    pub line: usize,
    /// What is wrong with the cell.
    pub problem: Problem,
    /// For a value that runs over line ends: its text as read (lossy UTF-8),
    /// from which a reader can recover the rows a stray quote swallowed.
    /// Personal data: never to be shown.
    pub run_on: Option<String>,
}

/// Rows as read, before cleaning. A row is any number of cells.
#[derive(Debug, Default)]
pub struct RawRows {
    text: Vec<u8>,
    /// Where each cell ends in `text`.
    ends: Vec<u32>,
    /// Index in `ends` of each row's first cell.
    firsts: Vec<u32>,
    lines: Vec<usize>,
    issues: Vec<Issue>,
}

impl RawRows {
    /// Room for about `rows` rows of `cells` cells and `bytes` bytes of text.
    pub fn with_capacity(rows: usize, cells: usize, bytes: usize) -> RawRows {
        RawRows {
            text: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
            firsts: Vec::with_capacity(rows),
            lines: Vec::with_capacity(rows),
            issues: Vec::new(),
        }
    }

    /// Appends a row that starts on `line`. Cells lose ASCII spaces and tabs at
    /// either end here (cheap while the bytes are copied anyway); the rest of
    /// the trimming is [`RawRows::clean`]'s.
    pub fn push_row<'c>(&mut self, line: usize, cells: impl IntoIterator<Item = &'c [u8]>) {
        self.start_row(line);
        for cell in cells {
            self.push_cell(cell);
        }
    }

    /// Starts a row whose cells follow with [`RawRows::push_cell`].
    pub fn start_row(&mut self, line: usize) {
        self.firsts.push(offset(self.ends.len()));
        self.lines.push(line);
    }

    /// Appends a cell to the row last started.
    pub fn push_cell(&mut self, cell: &[u8]) {
        let lead = cell.iter().take_while(|&&b| is_blank(b)).count();
        let trimmed = &cell[lead..];
        let trimmed = &trimmed[..trimmed.len() - trailing_blanks(trimmed)];
        self.text.extend_from_slice(trimmed);
        self.ends.push(offset(self.text.len()));
    }

    /// Records a problem with the last cell pushed (its text should be empty).
    pub fn push_issue(&mut self, problem: Problem) {
        let row = self.len() - 1;
        let field = self.width(row) - 1;
        self.issues.push(Issue {
            row,
            field,
            line: self.lines[row],
            problem,
            run_on: None,
        });
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Bytes of cell text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The number of cells of a row.
    pub fn width(&self, row: usize) -> usize {
        cells_of(&self.firsts, self.ends.len(), row).len()
    }

    /// The line a row starts on.
    pub fn line(&self, row: usize) -> usize {
        self.lines[row]
    }

    /// A cell's bytes as read.
    pub fn cell(&self, row: usize, field: usize) -> &[u8] {
        let k = cells_of(&self.firsts, self.ends.len(), row).start + field;
        &self.text[span(&self.ends, k)]
    }

    /// Whether every cell of a row is empty (a blank line, or `;;;;` as Excel
    /// writes a blank row).
    pub fn is_blank(&self, row: usize) -> bool {
        let cells = cells_of(&self.firsts, self.ends.len(), row);
        let start = if cells.start == 0 {
            0
        } else {
            self.ends[cells.start - 1]
        };
        let end = if cells.is_empty() {
            start
        } else {
            self.ends[cells.end - 1]
        };
        start == end && !self.issues.iter().rev().any(|i| i.row == row)
    }

    /// Drops every row from `rows` on.
    pub fn truncate(&mut self, rows: usize) {
        if rows >= self.len() {
            return;
        }
        let cells = self.firsts[rows] as usize;
        let text = if cells == 0 {
            0
        } else {
            self.ends[cells - 1] as usize
        };
        self.text.truncate(text);
        self.ends.truncate(cells);
        self.firsts.truncate(rows);
        self.lines.truncate(rows);
        self.issues.retain(|i| i.row < rows);
    }

    /// Validates and normalises every cell ([`clean_cell`]): the text of each
    /// cell that cannot be read becomes empty, and is listed as an [`Issue`].
    /// With `multiline` (CSV), an issue's line counts the line breaks inside
    /// the row's earlier cells; in a sheet a row is one line.
    pub fn clean(self, multiline: bool) -> Rows {
        let RawRows {
            text,
            ends,
            firsts,
            lines,
            mut issues,
        } = self;
        // Printable ASCII throughout (most chunks of events): every cell is
        // clean as it is, its blanks at the ends removed when it was pushed.
        if is_printable_ascii(&text) {
            issues.sort_by_key(|i| (i.row, i.field));
            return Rows {
                text: String::from_utf8(text).unwrap_or_default(),
                ends,
                firsts,
                lines,
                issues,
            };
        }
        // Usually every cell is already clean: then the buffer is kept as it is
        // and only checked for UTF-8 once, as a whole.
        let mut out: Option<(String, Vec<u32>)> = None;
        let mut row = 0;
        for k in 0..ends.len() {
            while row + 1 < firsts.len() && firsts[row + 1] as usize <= k {
                row += 1;
            }
            let raw = &text[span(&ends, k)];
            // Printable ASCII was trimmed when pushed: clean as it is.
            let cleaned = if is_printable_ascii(raw) {
                None
            } else {
                match clean_cell(raw) {
                    Ok(Cow::Borrowed(s)) if s.len() == raw.len() => None,
                    Ok(changed) => Some(changed),
                    Err(problem) => {
                        let field = k - firsts[row] as usize;
                        let before = if multiline {
                            (firsts[row] as usize..k)
                                .map(|j| line_breaks(&text[span(&ends, j)]))
                                .sum()
                        } else {
                            0
                        };
                        let run_on = (problem == CellProblem::LineBreak)
                            .then(|| String::from_utf8_lossy(raw).into_owned());
                        issues.push(Issue {
                            row,
                            field,
                            line: lines[row] + before,
                            problem: Problem::Text(problem),
                            run_on,
                        });
                        Some(Cow::Borrowed(""))
                    }
                }
            };
            match (&mut out, cleaned) {
                (None, None) => {}
                (Some((t, e)), None) => {
                    // Unchanged cells are clean, so UTF-8.
                    t.push_str(std::str::from_utf8(raw).unwrap_or_default());
                    e.push(offset(t.len()));
                }
                (slot, Some(new)) => {
                    let (t, e) = slot.get_or_insert_with(|| {
                        let before = if k == 0 { 0 } else { ends[k - 1] as usize };
                        let mut t = String::with_capacity(text.len());
                        t.push_str(std::str::from_utf8(&text[..before]).unwrap_or_default());
                        (t, ends[..k].to_vec())
                    });
                    t.push_str(&new);
                    e.push(offset(t.len()));
                }
            }
        }
        let (text, ends) = match out {
            Some(rebuilt) => rebuilt,
            // Every cell was checked and left as it was.
            None => (String::from_utf8(text).unwrap_or_default(), ends),
        };
        issues.sort_by_key(|i| (i.row, i.field));
        Rows {
            text,
            ends,
            firsts,
            lines,
            issues,
        }
    }
}

/// Rows of cleaned cells: UTF-8 text, trimmed, NFC, one line each.
#[derive(Debug, Default)]
pub struct Rows {
    text: String,
    ends: Vec<u32>,
    firsts: Vec<u32>,
    lines: Vec<usize>,
    /// By row, then field.
    issues: Vec<Issue>,
}

impl Rows {
    /// Rows held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Bytes of cell text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The number of cells of a row.
    pub fn width(&self, row: usize) -> usize {
        cells_of(&self.firsts, self.ends.len(), row).len()
    }

    /// The line a row starts on (the sheet row in a workbook).
    pub fn line(&self, row: usize) -> usize {
        self.lines[row]
    }

    /// A cell's text; empty when absent or when the cell has an [`Issue`].
    pub fn cell(&self, row: usize, field: usize) -> &str {
        let k = cells_of(&self.firsts, self.ends.len(), row).start + field;
        &self.text[span(&self.ends, k)]
    }

    /// The `k`-th cell of the buffer, counting every row's cells in order:
    /// for rows of one width `w`, field `f` of row `r` is cell `r * w + f`.
    pub fn cell_at(&self, k: usize) -> &str {
        &self.text[span(&self.ends, k)]
    }

    /// The cells of a row.
    pub fn cells(&self, row: usize) -> impl Iterator<Item = &str> {
        cells_of(&self.firsts, self.ends.len(), row).map(|k| &self.text[span(&self.ends, k)])
    }

    /// Every cell that could not be read, by row and field.
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// The cells of one row that could not be read.
    pub fn issues_of(&self, row: usize) -> &[Issue] {
        let start = self.issues.partition_point(|i| i.row < row);
        let end = self.issues.partition_point(|i| i.row <= row);
        &self.issues[start..end]
    }
}

/// The range in `ends` of a row's cells.
fn cells_of(firsts: &[u32], cells: usize, row: usize) -> std::ops::Range<usize> {
    let start = firsts[row] as usize;
    let end = firsts.get(row + 1).map_or(cells, |&f| f as usize);
    start..end
}

/// The byte range of cell `k`.
fn span(ends: &[u32], k: usize) -> std::ops::Range<usize> {
    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
    start..ends[k] as usize
}

/// Trailing ASCII spaces and tabs (not CR or LF: a cell ending in a line
/// break is refused, not trimmed).
fn trailing_blanks(cell: &[u8]) -> usize {
    cell.iter().rev().take_while(|&&b| is_blank(b)).count()
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn offset(len: usize) -> u32 {
    u32::try_from(len).expect("a buffer of rows is far below 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(rows: &[(usize, &[&str])]) -> RawRows {
        let mut r = RawRows::default();
        for (line, cells) in rows {
            r.push_row(*line, cells.iter().map(|c| c.as_bytes()));
        }
        r
    }

    #[test]
    fn clean_rows_keep_their_buffer() {
        let rows = raw(&[
            (2, &["P1", " 2010-01-01 ", "K\u{f8}benhavn"]),
            (3, &["P2", "", "x"]),
        ]);
        let rows = rows.clean(true);
        assert_eq!(
            rows.cells(0).collect::<Vec<_>>(),
            ["P1", "2010-01-01", "K\u{f8}benhavn"]
        );
        assert_eq!(rows.cells(1).collect::<Vec<_>>(), ["P2", "", "x"]);
        assert_eq!((rows.line(1), rows.width(1)), (3, 3));
        assert!(rows.issues().is_empty());
    }

    #[test]
    fn changed_and_bad_cells_are_rebuilt_and_listed() {
        let rows = raw(&[
            (2, &["P1", "K\u{f8}benhavn\u{a0}", "Va\u{30a}by"]),
            (3, &["P2", "a\nb", "c\r\nd", "a\u{7}"]),
        ]);
        let rows = rows.clean(true);
        assert_eq!(
            rows.cells(0).collect::<Vec<_>>(),
            ["P1", "K\u{f8}benhavn", "V\u{e5}by"]
        );
        assert_eq!(rows.cells(1).collect::<Vec<_>>(), ["P2", "", "", ""]);
        let found: Vec<(usize, usize, usize)> = rows
            .issues()
            .iter()
            .map(|i| (i.row, i.field, i.line))
            .collect();
        // The third cell starts after the second one's line break.
        assert_eq!(found, [(1, 1, 3), (1, 2, 4), (1, 3, 5)]);
        assert_eq!(rows.issues_of(1).len(), 3);
        assert!(rows.issues_of(0).is_empty());
    }

    #[test]
    fn a_line_break_at_either_end_is_kept_to_be_refused() {
        let rows = raw(&[(2, &["\nP1", "x\r\n", " \t y \t "])]).clean(true);
        assert_eq!(rows.cells(0).collect::<Vec<_>>(), ["", "", "y"]);
        assert_eq!(rows.issues().len(), 2);
    }

    #[test]
    fn truncating_drops_whole_rows() {
        let mut rows = raw(&[(2, &["a", "b"]), (3, &["c"]), (4, &["", ""])]);
        assert!(rows.is_blank(2) && !rows.is_blank(1));
        rows.truncate(1);
        assert_eq!((rows.len(), rows.text_len()), (1, 2));
        rows.push_row(5, [b"d".as_slice()]);
        let rows = rows.clean(false);
        assert_eq!(rows.cells(1).collect::<Vec<_>>(), ["d"]);
    }
}
