//! Reading one CSV input file: header checks (required, unknown, forbidden and
//! duplicate columns) and records with their line numbers, every value trimmed.

use std::collections::HashMap;

use csv::{ByteRecord, ReaderBuilder, StringRecord, Trim};

use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};

/// An input file as given on the command line: its display name and bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One column of the data contract.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

/// The header of a file that passed the header checks.
pub struct Header {
    pub record: StringRecord,
    index: HashMap<String, usize>,
}

impl Header {
    /// 1-based position of a column, for diagnostics.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.index.get(column).map(|i| i + 1)
    }
}

/// Reads the header; returns `None` (with problems recorded) when it is unusable.
pub fn read_header<'f>(
    file: &'f InputFile,
    contract: &[Column],
    forbidden: &[String],
    problems: &mut Diagnostics,
) -> Option<(Header, csv::Reader<&'f [u8]>)> {
    let mut reader = ReaderBuilder::new()
        .trim(Trim::All)
        .from_reader(file.bytes.as_slice());
    let record = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(csv_error(&file.name, &e));
            return None;
        }
    };
    let before = problems.total();
    let mut index = HashMap::new();
    for (i, name) in record.iter().enumerate() {
        let at = |code, message: String| {
            Diagnostic::new(code, file.name.as_str(), message).at(1, Some(i + 1))
        };
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
                    file.name.as_str(),
                    format!("required column `{}` is missing", column.name),
                )
                .at(1, None),
            );
        }
    }
    (problems.total() == before).then_some((Header { record, index }, reader))
}

/// Walks the records, handing each well-formed one with its line to `on_record`.
/// An unreadable row (not UTF-8, wrong number of fields) is reported, and the
/// raw value of `id_column` is handed to `on_unreadable` when it can be read, so
/// the caller knows that id exists (and does not report its events as unknown).
pub fn for_each_record(
    file: &InputFile,
    header: &Header,
    mut reader: csv::Reader<&[u8]>,
    problems: &mut Diagnostics,
    id_column: &str,
    mut on_unreadable: impl FnMut(&str),
    mut on_record: impl FnMut(&StringRecord, usize, &mut Diagnostics),
) {
    let mut raw = ByteRecord::new();
    let id_index = header.position(id_column).map(|p| p - 1);
    loop {
        match reader.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {
                let line = raw.position().map_or(0, |p| p.line() as usize);
                match StringRecord::from_byte_record(raw.clone()) {
                    Ok(record) => on_record(&record, line, problems),
                    Err(e) => {
                        let field = e.utf8_error().field();
                        let name = header
                            .record
                            .get(field)
                            .map(|n| format!(" (`{n}`)"))
                            .unwrap_or_default();
                        problems.push(not_utf8(&file.name, line, field, &name));
                        if let Some(id) = id_index
                            .and_then(|i| raw.get(i))
                            .and_then(|b| std::str::from_utf8(b).ok())
                        {
                            on_unreadable(id.trim());
                        }
                    }
                }
            }
            Err(e) => {
                let recoverable = matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                problems.push(csv_error(&file.name, &e));
                if !recoverable {
                    break;
                }
            }
        }
    }
}

/// Deserializes one record into a row of borrowed cells, or records why not.
pub fn row<'r, R: serde::Deserialize<'r>>(
    record: &'r StringRecord,
    header: &'r Header,
    file: &str,
    line: usize,
    problems: &mut Diagnostics,
) -> Option<R> {
    match record.deserialize(Some(&header.record)) {
        Ok(row) => Some(row),
        Err(e) => {
            problems.push(Diagnostic::new("unreadable-csv", file, e.to_string()).at(line, None));
            None
        }
    }
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

fn csv_error(file: &str, error: &csv::Error) -> Diagnostic {
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
