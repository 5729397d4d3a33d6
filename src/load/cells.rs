//! Validating the cells of one CSV row, recording a located problem for each bad
//! value and carrying on, so every problem of a file is reported in one run.

use std::collections::HashMap;

use rhai::ImmutableString;

use super::csv_file::{Header, Kind};
use super::dates::{self, DateFormat};
use super::fields::{is_id, looks_like_cpr, parse_bool};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::privacy::{Kind as Shown, shown};
use crate::time::Date;

/// A token vocabulary, interned so every person's `school_absence` is one string.
pub struct Vocab {
    tokens: HashMap<String, ImmutableString>,
    names: Vec<String>,
}

impl Vocab {
    /// The vocabulary of these tokens (a list of tryg.toml's `[vocabulary]`).
    pub fn new(names: &[String]) -> Vocab {
        Vocab {
            tokens: names
                .iter()
                .map(|n| (n.clone(), ImmutableString::from(n.as_str())))
                .collect(),
            names: names.to_vec(),
        }
    }

    fn get(&self, token: &str) -> Option<ImmutableString> {
        self.tokens.get(token).cloned()
    }

    fn position(&self, token: &str) -> Option<usize> {
        self.names.iter().position(|n| n == token)
    }
}

/// Problems of a chunk's records, each with the record it belongs to, in order.
pub type RowProblems = Vec<(usize, Diagnostic)>;

/// The cells of one row being validated.
pub struct Cells<'r> {
    pub line: usize,
    /// The record's number in its chunk.
    pub record: usize,
    /// The file's header, for column positions.
    pub header: &'r Header,
    /// Where this row's problems go.
    pub problems: &'r mut RowProblems,
    /// How dates are written (`--date-format`).
    pub dates: DateFormat,
    /// False once any cell of the row failed.
    pub ok: bool,
}

impl Cells<'_> {
    /// Records a problem with `column` of this row; the row is refused.
    pub fn fail(&mut self, column: &str, code: &'static str, message: String) {
        self.fail_with_hint(column, code, message, None);
    }

    /// [`Cells::fail`] with a hint.
    pub fn fail_with_hint(
        &mut self,
        column: &str,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        self.ok = false;
        let mut d = self.header.at(code, message, self.line, column);
        d.hint = hint;
        self.problems.push((self.record, d));
    }

    /// A required value: `missing-value` when empty.
    pub fn required<'a>(&mut self, column: &str, value: Option<&'a str>) -> Option<&'a str> {
        match value {
            Some(v) if !v.is_empty() => Some(v),
            _ => {
                self.fail(
                    column,
                    "missing-value",
                    format!("`{column}` is required but empty"),
                );
                None
            }
        }
    }

    /// A pseudonymous id: the SPEC alphabet, and never CPR-shaped.
    pub fn id<'a>(&mut self, column: &str, value: &'a str) -> Option<&'a str> {
        // Excel drops the leading zero of a number: in a workbook, nine digits
        // may be a CPR number born on the 1st to the 9th of a month.
        let lost_zero = self.header.kind == Kind::Sheet
            && value.len() == 9
            && value.bytes().all(|b| b.is_ascii_digit())
            && looks_like_cpr(&format!("0{value}"));
        if looks_like_cpr(value) || lost_zero {
            // The value is withheld: it may be a real CPR number.
            self.fail_with_hint(
                column,
                "cpr-like-id",
                format!("`{column}` looks like a Danish CPR number (value not shown); ids must be pseudonymous"),
                Some("replace CPR numbers with pseudonymous keys before export".into()),
            );
            return None;
        }
        if !is_id(value) {
            self.fail(
                column,
                "bad-id",
                format!(
                    "`{column}` {} is not an id: 1-64 characters of A-Z a-z 0-9 _ -",
                    shown(value, Shown::Id)
                ),
            );
            return None;
        }
        Some(value)
    }

    /// The row's key: required and a well-formed id. Whether it is unique is
    /// checked when the rows are merged in file order ([`duplicate`]).
    pub fn key<'a>(&mut self, column: &str, value: Option<&'a str>) -> Option<&'a str> {
        self.required(column, value)
            .and_then(|v| self.id(column, v))
    }

    /// A `YYYY-MM-DD` date: `bad-date` otherwise.
    pub fn date(&mut self, column: &str, value: &str) -> Option<Date> {
        let date = dates::parse(value, self.dates);
        if date.is_none() {
            let (form, hint) = match self.dates {
                DateFormat::Iso => (
                    "YYYY-MM-DD",
                    dates::looks_day_first(value).then(|| {
                        "the date is written day first: if the file writes every date so (DD-MM-YYYY, DD.MM.YYYY), read it with --date-format dmy".to_string()
                    }),
                ),
                DateFormat::Dmy => ("DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD", None),
            };
            self.fail_with_hint(
                column,
                "bad-date",
                format!(
                    "`{column}` {} is not a date in the form {form}",
                    shown(value, Shown::Date)
                ),
                hint,
            );
        }
        date
    }

    /// A date, or `None` for an empty cell.
    pub fn optional_date(&mut self, column: &str, value: Option<&str>) -> Option<Date> {
        value
            .filter(|v| !v.is_empty())
            .and_then(|v| self.date(column, v))
    }

    /// `true/false`, `yes/no` or `1/0` in any case; `default` for an empty
    /// cell; `bad-bool` (and `default`) otherwise.
    pub fn bool(&mut self, column: &str, value: Option<&str>, default: bool) -> bool {
        match value.filter(|v| !v.is_empty()) {
            None => default,
            Some(v) => parse_bool(v).unwrap_or_else(|| {
                self.fail(
                    column,
                    "bad-bool",
                    format!(
                        "`{column}` {} is not true/false, yes/no or 1/0",
                        shown(v, Shown::Token(BOOLS))
                    ),
                );
                default
            }),
        }
    }

    /// One token from a closed list.
    pub fn token<T>(
        &mut self,
        column: &str,
        value: &str,
        tokens: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let parsed = parse(value);
        if parsed.is_none() {
            self.unknown_token(column, value, tokens.iter().copied());
        }
        parsed
    }

    /// One token from a configured vocabulary.
    pub fn vocab_token(
        &mut self,
        column: &str,
        value: &str,
        vocab: &Vocab,
    ) -> Option<ImmutableString> {
        let token = vocab.get(value);
        if token.is_none() {
            self.unknown_token(column, value, vocab.names.iter().map(String::as_str));
        }
        token
    }

    /// One token from a configured vocabulary, as its position in the list.
    pub fn vocab_index(&mut self, column: &str, value: &str, vocab: &Vocab) -> Option<usize> {
        let index = vocab.position(value);
        if index.is_none() {
            self.unknown_token(column, value, vocab.names.iter().map(String::as_str));
        }
        index
    }

    /// A `;`-separated list of vocabulary tokens; empty pieces are ignored.
    pub fn token_list(
        &mut self,
        column: &str,
        value: Option<&str>,
        vocab: &Vocab,
    ) -> Vec<ImmutableString> {
        let mut list: Vec<ImmutableString> = Vec::new();
        for piece in value
            .unwrap_or("")
            .split(';')
            // The cell is NFC already; each piece loses its own padding.
            .map(|p| p.trim_matches(crate::text::is_cell_padding))
            .filter(|p| !p.is_empty())
        {
            if let Some(token) = self.vocab_token(column, piece, vocab) {
                if list.contains(&token) {
                    self.fail(
                        column,
                        "duplicate-token",
                        format!("`{column}` lists {} twice", shown(piece, Shown::Known)),
                    );
                } else {
                    list.push(token);
                }
            }
        }
        list
    }

    fn unknown_token<'k>(
        &mut self,
        column: &str,
        value: &str,
        known: impl Iterator<Item = &'k str> + Clone,
    ) {
        let suggestion = did_you_mean(value, known.clone());
        let listed: Vec<&str> = known.collect();
        let hint = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known values: {}", listed.join(", ")),
        };
        self.fail_with_hint(
            column,
            "unknown-token",
            format!(
                "`{column}` {} is not a known value",
                shown(value, Shown::Other)
            ),
            Some(hint),
        );
    }
}

/// A chunk's problems in file order: each unreadable row where it was met,
/// then each row's repeated key, then the row's other problems. `errors` are
/// numbered by the records before them, the others by their record.
pub fn in_file_order(
    errors: Vec<(usize, Diagnostic)>,
    repeats: Vec<(usize, Diagnostic)>,
    found: RowProblems,
) -> impl Iterator<Item = Diagnostic> {
    let mut all: Vec<((usize, u8), Diagnostic)> = (errors.into_iter().map(|(k, d)| ((k, 0), d)))
        .chain(repeats.into_iter().map(|(k, d)| ((k, 1), d)))
        .chain(found.into_iter().map(|(k, d)| ((k, 2), d)))
        .collect();
    // Stable: a row's own problems keep the order they were found in.
    all.sort_by_key(|(key, _)| *key);
    all.into_iter().map(|(_, d)| d)
}

/// The problem of a key seen on an earlier line. It is the first problem of its
/// row: a key with any other problem is not checked for repeats.
pub fn duplicate(line: usize, header: &Header, column: &str, id: &str, first: usize) -> Diagnostic {
    let place = if header.place.sheet.is_some() {
        "row"
    } else {
        "line"
    };
    header.at(
        "duplicate-id",
        format!(
            "{column} {} already appears on {place} {first}",
            shown(id, Shown::Id)
        ),
        line,
        column,
    )
}

/// The words a boolean cell may hold (SPEC §1), as a message may show them.
const BOOLS: &[&str] = &[
    "true", "false", "yes", "no", "1", "0", "TRUE", "FALSE", "YES", "NO",
];
