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

/// Walks the records, handing each with its line to `on_record`, and records
/// rows that cannot be read as records (wrong number of fields). Records are
/// not copied: `on_record` deserializes the bytes in place with [`row`].
pub fn for_each_record(
    file: &InputFile,
    mut reader: csv::Reader<&[u8]>,
    problems: &mut Diagnostics,
    mut on_record: impl FnMut(&ByteRecord, usize, &mut Diagnostics),
) {
    let mut raw = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {
                let line = raw.position().map_or(0, |p| p.line() as usize);
                on_record(&raw, line, problems);
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

/// Deserializes one record into a row of borrowed cells (serde checks each
/// cell is UTF-8), or records why not.
pub fn row<'r, R: serde::Deserialize<'r>>(
    record: &'r ByteRecord,
    header: &'r Header,
    file: &str,
    line: usize,
    problems: &mut Diagnostics,
) -> Option<R> {
    match record.deserialize(Some(header.record.as_byte_record())) {
        Ok(row) => Some(row),
        Err(e) => {
            let utf8_field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => match (err.kind(), err.field()) {
                    (csv::DeserializeErrorKind::InvalidUtf8(_), Some(field)) => Some(field),
                    _ => None,
                },
                _ => None,
            };
            let d = match utf8_field {
                Some(field) => {
                    let field = field as usize;
                    let name = header
                        .record
                        .get(field)
                        .map(|n| format!(" (`{n}`)"))
                        .unwrap_or_default();
                    not_utf8(file, line, field, &name)
                }
                None => Diagnostic::new("unreadable-csv", file, e.to_string()).at(line, None),
            };
            problems.push(d);
            None
        }
    }
}

/// A cell of a record that could not be deserialized, if it is readable text.
pub fn raw_cell<'r>(record: &'r ByteRecord, header: &Header, column: &str) -> Option<&'r str> {
    let index = header.position(column)? - 1;
    std::str::from_utf8(record.get(index)?).ok().map(str::trim)
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
