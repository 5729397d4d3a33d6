//! Date cells: `YYYY-MM-DD` always, and day-first dates (`14-03-2010`,
//! `14.03.2010`, `14/03/2010`, as a Danish Excel re-saves them) only when the
//! user says the file writes them so (`--date-format dmy`). A day-first date
//! is never guessed: `03-04-2010` is 3 April or 4 March depending on who
//! wrote it, and a wrong guess moves a window by months.

use chrono::NaiveDate;

use crate::time::{Date, parse_date};

/// How the dates of a batch are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// `YYYY-MM-DD` only (SPEC §1).
    #[default]
    Iso,
    /// `DD-MM-YYYY`, `DD.MM.YYYY` or `DD/MM/YYYY` (day and month of one or two
    /// digits), and `YYYY-MM-DD` as well.
    Dmy,
}

/// A date cell read in the given format; `None` when it is not a real date
/// of that form.
pub fn parse(text: &str, format: DateFormat) -> Option<Date> {
    match format {
        DateFormat::Iso => parse_date(text),
        DateFormat::Dmy => parse_date(text).or_else(|| day_first(text)),
    }
}

/// Whether a cell is shaped as a day-first date (real or not), for the hint
/// that names `--date-format dmy`.
pub fn looks_day_first(text: &str) -> bool {
    parts(text).is_some()
}

fn day_first(text: &str) -> Option<Date> {
    let (day, month, year) = parts(text)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Day, month and year of `D-M-YYYY` with one separator (`-`, `.` or `/`)
/// used twice.
fn parts(text: &str) -> Option<(u32, u32, i32)> {
    let sep = text.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '.' | '/') {
        return None;
    }
    let mut pieces = text.split(sep);
    let (day, month, year) = (pieces.next()?, pieces.next()?, pieces.next()?);
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if pieces.next().is_some()
        || !digits(day, 1..=2)
        || !digits(month, 1..=2)
        || !digits(year, 4..=4)
    {
        return None;
    }
    Some((day.parse().ok()?, month.parse().ok()?, year.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn day_first_dates_only_when_asked() {
        for text in [
            "14-03-2010",
            "14.03.2010",
            "14/03/2010",
            "14.3.2010",
            "2010-03-14",
        ] {
            assert_eq!(
                parse(text, DateFormat::Dmy),
                Some(date("2010-03-14")),
                "{text}"
            );
        }
        assert_eq!(parse("14-03-2010", DateFormat::Iso), None);
        assert!(looks_day_first("14-03-2010") && looks_day_first("31.02.2010"));
    }

    #[test]
    fn what_is_not_a_day_first_date() {
        for text in [
            "31-02-2010",
            "14-13-2010",
            "14-03-10",
            "14-03.2010",
            "2010/03/14",
            "14-03-2010-1",
            "a-b-cdef",
        ] {
            assert_eq!(parse(text, DateFormat::Dmy), None, "{text}");
        }
        assert!(!looks_day_first("2024/05/01"));
        assert!(!looks_day_first("2010-13-45"));
    }
}
