//! One CSV input file's header checks (required, unknown, forbidden and
//! duplicate columns), its records' cells by column, and how a CSV reading
//! error is reported.

use std::collections::HashMap;

use csv::StringRecord;

use super::records::Chunk;
use crate::diagnostic::{Diagnostic, did_you_mean};

/// One column of the data contract.
pub struct Column {
    /// The exact column name (`person_id`).
    pub name: &'static str,
    /// Whether the header must have it (`missing-column` otherwise).
    pub required: bool,
}

/// The header of a file that passed the header checks.
pub struct Header {
    /// The header row as read, trimmed.
    pub record: StringRecord,
    index: HashMap<String, usize>,
    /// For each field of a record, the contract column it holds.
    slots: Vec<usize>,
}

impl Header {
    /// 1-based position of a column, for diagnostics.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.index.get(column).map(|i| i + 1)
    }
}

/// Checks a header; the header is usable (returned) when it has no problem.
pub fn check_header(
    file: &str,
    record: StringRecord,
    contract: &[Column],
    forbidden: &[String],
) -> (Vec<Diagnostic>, Option<Header>) {
    let mut problems = Vec::new();
    let mut index = HashMap::new();
    for (i, name) in record.iter().enumerate() {
        let at = |code, message: String| Diagnostic::new(code, file, message).at(1, Some(i + 1));
        if forbidden.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            problems.push(
                at(
                    "forbidden-column",
                    format!("column `{name}` is special-category data and is never read (GDPR art. 9)"),
                )
                .hint("remove the column from the export; tryg screens on conduct, never on who a person is"),
            );
        } else if !contract.iter().any(|c| c.name == name) {
            let mut d = at(
                "unknown-column",
                format!("unknown column `{name}`: only the columns of the data contract are read"),
            );
            d = match did_you_mean(name, contract.iter().map(|c| c.name)) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!(
                    "the columns are: {}",
                    contract
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            problems.push(d);
        } else if index.insert(name.to_string(), i).is_some() {
            problems.push(at(
                "duplicate-column",
                format!("column `{name}` appears twice"),
            ));
        }
    }
    for column in contract.iter().filter(|c| c.required) {
        if !index.contains_key(column.name) {
            problems.push(
                Diagnostic::new(
                    "missing-column",
                    file,
                    format!("required column `{}` is missing", column.name),
                )
                .at(1, None),
            );
        }
    }
    if !problems.is_empty() {
        return (problems, None);
    }
    let slots = record
        .iter()
        .map(|name| contract.iter().position(|c| c.name == name).unwrap_or(0))
        .collect();
    let header = Header {
        record,
        index,
        slots,
    };
    (problems, Some(header))
}

/// The cells of a record by contract column, `None` where the column is
/// absent or the cell empty; or, when a cell is not UTF-8, the problem with
/// the first such cell.
pub fn cells<'c, const N: usize>(
    chunk: &'c Chunk,
    record: usize,
    header: &Header,
    file: &str,
) -> Result<[Option<&'c str>; N], Box<Diagnostic>> {
    let mut cells = [None; N];
    for (field, &slot) in header.slots.iter().enumerate() {
        match std::str::from_utf8(chunk.field(record, field)) {
            Ok("") => {}
            Ok(text) => cells[slot] = Some(text),
            Err(_) => {
                let name = header
                    .record
                    .get(field)
                    .map(|n| format!(" (`{n}`)"))
                    .unwrap_or_default();
                return Err(Box::new(not_utf8(file, chunk.line(record), field, &name)));
            }
        }
    }
    Ok(cells)
}

/// A cell of a record whose cells could not all be read, if it is readable text.
pub fn raw_cell<'c>(
    chunk: &'c Chunk,
    record: usize,
    header: &Header,
    column: &str,
) -> Option<&'c str> {
    let index = header.position(column)? - 1;
    std::str::from_utf8(chunk.field(record, index))
        .ok()
        .map(str::trim)
}

fn not_utf8(file: &str, line: usize, field: usize, name: &str) -> Diagnostic {
    Diagnostic::new(
        "not-utf8",
        file,
        format!("field {}{name} is not valid UTF-8", field + 1),
    )
    .at(line, Some(field + 1))
    .hint("save the file as UTF-8 (in Excel: \"CSV UTF-8\"); it looks like Latin-1 or Windows-1252")
}

/// A CSV reading error as a diagnostic at its line: `not-utf8`,
/// `wrong-field-count`, or `unreadable-csv` for anything else.
pub fn csv_error(file: &str, error: &csv::Error) -> Diagnostic {
    let line = error.position().map_or(1, |p| p.line() as usize);
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => not_utf8(file, line, err.field(), ""),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Diagnostic::new(
            "wrong-field-count",
            file,
            format!("this row has {len} fields, the header has {expected_len}"),
        )
        .at(line, None)
        .hint("a value containing a comma must be quoted"),
        _ => Diagnostic::new(
            "unreadable-csv",
            file,
            format!("cannot read the file: {error}"),
        )
        .at(line, None),
    }
}
