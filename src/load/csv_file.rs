//! One input table's header checks (required, unknown, forbidden and duplicate
//! columns), its records' cells by column, and how a cell that could not be
//! read ([`Issue`]) is reported. The table may be CSV or a workbook sheet
//! ([`super::table`]); the checks are the same.

use std::collections::HashMap;

use super::records::Chunk;
use super::table::{Format, Issue, Place, Problem, Rows};
use crate::diagnostic::{Diagnostic, column_letters, did_you_mean};
use crate::text::CellProblem;

/// One column of the data contract.
pub struct Column {
    /// The exact column name (`person_id`).
    pub name: &'static str,
    /// Whether the header must have it (`missing-column` otherwise).
    pub required: bool,
}

/// Whether a table is CSV or a sheet, for the hints that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv { delimiter: u8 },
    Sheet,
}

/// The header of a table that passed the header checks.
pub struct Header {
    names: Vec<String>,
    index: HashMap<String, usize>,
    /// For each field of a record, the contract column it holds.
    slots: Vec<usize>,
    pub place: Place,
    pub kind: Kind,
}

impl Header {
    /// The 0-based field of a column.
    pub fn field(&self, column: &str) -> Option<usize> {
        self.index.get(column).copied()
    }

    /// The name of a field's column.
    pub fn name(&self, field: usize) -> &str {
        self.names.get(field).map_or("", String::as_str)
    }

    /// Fields per record.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// A problem on `line`, at `column` when the table has it.
    pub fn at(&self, code: &'static str, message: String, line: usize, column: &str) -> Diagnostic {
        self.place
            .diagnostic(code, message, Some(line), self.field(column))
    }

    /// The problem of a cell that could not be read.
    pub fn issue(&self, issue: &Issue) -> Diagnostic {
        let name = self.names.get(issue.field).map_or("", String::as_str);
        issue_diagnostic(&self.place, self.kind, &format!("`{name}`"), issue)
    }
}

/// The problem of a cell that could not be read, for a reader of the raw
/// table other than the batch loader (`tryg pseudonymise`): located by
/// `place`, the column named `column`.
pub fn cell_problem(place: &Place, format: &Format, column: &str, issue: &Issue) -> Diagnostic {
    let kind = match format {
        Format::Csv { delimiter, .. } => Kind::Csv {
            delimiter: *delimiter,
        },
        Format::Sheet { .. } => Kind::Sheet,
    };
    issue_diagnostic(place, kind, &format!("`{column}`"), issue)
}

/// Tells the user how to read a file that is not UTF-8.
pub const ENCODING_HINT: &str = "tryg reads UTF-8 (with or without a byte-order mark) and UTF-16 with one; for a file saved as Windows-1252 / Latin-1 (Excel's plain \"CSV\" on Windows) add --encoding windows-1252, or save it as \"CSV UTF-8\"";

fn issue_diagnostic(place: &Place, kind: Kind, name: &str, issue: &Issue) -> Diagnostic {
    let at = |code, message: String| {
        place.diagnostic(code, message, Some(issue.line), Some(issue.field))
    };
    match &issue.problem {
        Problem::Text(problem) => {
            let code = problem.code();
            match problem {
                CellProblem::NotUtf8 => at(
                    code,
                    format!("{name} is not valid UTF-8: the file is in another encoding"),
                )
                .hint(ENCODING_HINT),
                CellProblem::LineBreak => match kind {
                    Kind::Csv { .. } => at(
                        code,
                        format!("{name}: the value runs on over the end of the line"),
                    )
                    .hint("a quote (\") at the start of a value runs on to the next quote, over line ends: most likely a stray quote; remove it, or quote the whole value with no line break inside"),
                    Kind::Sheet => at(code, format!("{name} holds a line break"))
                        .hint("a value is one line: remove the line break (typed with Alt+Enter) from the cell"),
                },
                CellProblem::Control(9) => at(code, format!("{name} holds a tab inside the value"))
                    .hint("remove the tab; tabs at either end of a value are ignored"),
                CellProblem::Control(c) => at(
                    code,
                    format!("{name} holds the control character {}", control_name(*c)),
                )
                .hint("control characters are never part of a value: the export is damaged, or the column holds something else than text"),
                CellProblem::Replacement => at(
                    code,
                    format!("{name} holds U+FFFD (\u{fffd}), which marks a character lost in an earlier conversion"),
                )
                .hint("export the file again from the system it came from, as \"CSV UTF-8\""),
            }
        }
        Problem::ExcelError(error) => at(
            "excel-error",
            format!("{name} holds the Excel error {error}"),
        )
        .hint("correct the formula, or paste the column as values"),
    }
}

/// `U+0000 (NUL)`: the code point, and its name for the usual ones.
fn control_name(c: u32) -> String {
    let name = match c {
        0x00 => " (NUL)",
        0x07 => " (BEL)",
        0x08 => " (BS)",
        0x0b => " (VT)",
        0x0c => " (FF)",
        0x1b => " (ESC)",
        0x7f => " (DEL)",
        0x85 => " (NEL)",
        _ => "",
    };
    format!("U+{c:04X}{name}")
}

/// Checks a header (the first row of `header`, cleaned); the header is usable
/// (returned) when it has no problem. `sheet_flag` names the flag that picks
/// another sheet, for the hint when a workbook's sheet is not this table.
pub fn check_header(
    place: &Place,
    format: &Format,
    header: &Rows,
    contract: &[Column],
    forbidden: &[String],
    sheet_flag: &str,
) -> (Vec<Diagnostic>, Option<Header>) {
    let kind = match format {
        Format::Csv { delimiter, .. } => Kind::Csv {
            delimiter: *delimiter,
        },
        Format::Sheet { .. } => Kind::Sheet,
    };
    let line = header.line(0);
    let mut problems: Vec<Diagnostic> = header
        .issues()
        .iter()
        .map(|issue| {
            let field = match kind {
                Kind::Csv { .. } => format!("header field {}", issue.field + 1),
                Kind::Sheet => format!("header cell {}", column_letters(place.column(issue.field))),
            };
            issue_diagnostic(place, kind, &field, issue)
        })
        .collect();
    let mut index = HashMap::new();
    let names: Vec<String> = header.cells(0).map(str::to_string).collect();
    for (i, name) in names.iter().enumerate() {
        let at = |code, message: String| place.diagnostic(code, message, Some(line), Some(i));
        if header.issues_of(0).iter().any(|issue| issue.field == i) {
            continue;
        }
        if forbidden.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            problems.push(
                at(
                    "forbidden-column",
                    format!("column `{name}` is special-category data and is never read (GDPR art. 9)"),
                )
                .hint("remove the column from the export; tryg screens on conduct, never on who a person is"),
            );
        } else if name.is_empty() {
            problems.push(at(
                "unknown-column",
                "a column without a name: only the columns of the data contract are read".into(),
            ));
        } else if !contract.iter().any(|c| c.name == name) {
            let mut d = at(
                "unknown-column",
                format!(
                    "unknown column {}: only the columns of the data contract are read",
                    column_shown(name)
                ),
            );
            d = match (
                did_you_mean(name, contract.iter().map(|c| c.name)),
                separator_in(name, kind),
            ) {
                (_, Some(sep)) => d.hint(format!(
                    "the name holds `{sep}`: if the file is separated by `{sep}`, give --delimiter '{sep}'"
                )),
                (Some(s), None) => d.hint(format!("did you mean `{s}`?")),
                (None, None) => d.hint(format!(
                    "the columns are: {}",
                    contract
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            problems.push(d);
        } else if index.insert(name.clone(), i).is_some() {
            problems.push(
                at("duplicate-column", format!("column `{name}` appears twice"))
                    .hint("remove one of the two columns, or rename it if it holds something else"),
            );
        }
    }
    for column in contract.iter().filter(|c| c.required) {
        if !index.contains_key(column.name) {
            let mut d = place.diagnostic(
                "missing-column",
                format!("required column `{}` is missing", column.name),
                Some(line),
                None,
            );
            if let Format::Sheet { sheets, .. } = format {
                if sheets.len() > 1 {
                    d = d.hint(format!(
                        "the workbook's sheets are {}: choose the one with this table with {sheet_flag} NAME",
                        sheets
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            problems.push(d);
        }
    }
    if !problems.is_empty() {
        return (problems, None);
    }
    let slots = names
        .iter()
        .map(|name| contract.iter().position(|c| c.name == name).unwrap_or(0))
        .collect();
    let header = Header {
        names,
        index,
        slots,
        place: place.clone(),
        kind,
    };
    (problems, Some(header))
}

/// A column name as a message shows it. Column names are the export's own
/// words and are shown, unless the "header" is a row of data (a file without
/// a header row): then a CPR-like or a long value is withheld.
fn column_shown(name: &str) -> String {
    if super::fields::looks_like_cpr(name) || name.chars().count() > 64 {
        format!("of {} characters (not shown)", name.chars().count())
    } else {
        format!("`{name}`")
    }
}

/// A separator other than the table's found in a column name.
fn separator_in(name: &str, kind: Kind) -> Option<char> {
    let Kind::Csv { delimiter } = kind else {
        return None;
    };
    [',', ';', '\t']
        .into_iter()
        .find(|&c| c as u32 != u32::from(delimiter) && name.contains(c))
}

/// The keys (the value at field `key`) of the lines after the first of a value
/// that ran over line ends: rows a stray quote swallowed, which exist even so
/// (their events are not "unknown").
pub fn swallowed_keys(kind: Kind, key: usize, run_on: &str) -> Vec<String> {
    let Kind::Csv { delimiter } = kind else {
        return Vec::new();
    };
    run_on
        .split(['\r', '\n'])
        .skip(1)
        .filter_map(|line| line.split(char::from(delimiter)).nth(key))
        .map(|cell| cell.trim_matches(|c: char| c == '"' || crate::text::is_cell_padding(c)))
        .filter(|id| super::fields::is_id(id))
        .map(str::to_string)
        .collect()
}

/// The problem of a row of the wrong width that has a value running over
/// line ends (field `field`, of a column named `name` if the header has one):
/// the run-on value is the cause, and is what is reported.
pub fn run_on_row(
    place: &Place,
    kind: Kind,
    (expected, width): (usize, usize),
    (line, field): (usize, usize),
    name: Option<&str>,
) -> Diagnostic {
    let issue = Issue {
        row: 0,
        field,
        line,
        problem: Problem::Text(CellProblem::LineBreak),
        run_on: None,
    };
    let name = name.map_or_else(|| format!("field {}", field + 1), |n| format!("`{n}`"));
    let mut d = issue_diagnostic(place, kind, &name, &issue);
    d.message.push_str(&format!(
        " (the row then has {width} fields, the header {expected})"
    ));
    d
}

/// The cells of a record by contract column, `None` where the column is
/// absent or the cell empty; or, when some cells could not be read, their
/// problems.
pub fn cells<'c, const N: usize>(
    chunk: &'c Chunk,
    record: usize,
    header: &Header,
) -> Result<[Option<&'c str>; N], Vec<Diagnostic>> {
    let issues = chunk.issues_of(record);
    if !issues.is_empty() {
        return Err(issues.iter().map(|i| header.issue(i)).collect());
    }
    let mut cells = [None; N];
    for (field, &slot) in header.slots.iter().enumerate() {
        match chunk.field(record, field) {
            "" => {}
            text => cells[slot] = Some(text),
        }
    }
    Ok(cells)
}

/// A cell of a record whose cells could not all be read, if that one could.
pub fn raw_cell<'c>(
    chunk: &'c Chunk,
    record: usize,
    header: &Header,
    column: &str,
) -> Option<&'c str> {
    let field = header.field(column)?;
    if chunk.issues_of(record).iter().any(|i| i.field == field) {
        return None;
    }
    Some(chunk.field(record, field)).filter(|c| !c.is_empty())
}

/// The problem of a row of `width` fields where the header has `expected`;
/// `first_beyond` is its first field with a value past the header's.
pub fn wrong_width(
    place: &Place,
    kind: Kind,
    (expected, width): (usize, usize),
    line: usize,
    first_beyond: Option<usize>,
) -> Diagnostic {
    match kind {
        Kind::Csv { delimiter } => {
            let sep = char::from(delimiter);
            let d = place.diagnostic(
                "wrong-field-count",
                format!("this row has {width} fields, the header has {expected}"),
                Some(line),
                None,
            );
            if width > expected {
                d.hint(format!(
                    "a value that holds `{sep}` must be in quotes; or the row has a `{sep}` too many"
                ))
            } else {
                d.hint(format!(
                    "a `{sep}` is missing between two values, or the row was cut short"
                ))
            }
        }
        Kind::Sheet => place
            .diagnostic(
                "wrong-field-count",
                "this row has a value right of the last named column".to_string(),
                Some(line),
                first_beyond,
            )
            .hint("give the column a name in the header row, or clear the cell"),
    }
}
