//! Calendar arithmetic against the one as-of date of a run (SPEC §2).
//!
//! Every age and window in tryg is computed here, with chrono doing the calendar:
//! no day counting by hand. The core never reads the clock; the CLI fixes the
//! as-of date before anything is screened.

use chrono::{Datelike, Months, NaiveDate};

/// A calendar date. Re-exported so the rest of the crate names one type.
pub type Date = NaiveDate;

/// Parses a strict `YYYY-MM-DD` date (four-digit year, zero-padded month and day).
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    // The shape is checked: read the digits directly (re-parsing a format
    // string per call showed in load profiles); chrono checks the calendar.
    let num = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
}

/// Whole years from `birth` to `on`, or `None` when `on` is before the birth.
///
/// A birthday on 29 February is reached on 1 March in common years: chrono's
/// `years_since` compares (month, day), and (2, 28) < (2, 29).
pub fn age_on(birth: Date, on: Date) -> Option<u32> {
    on.years_since(birth)
}

/// The first day inside a window of `months` calendar months ending on `as_of`.
///
/// "Within N months" means dated on or after this day. When the day does not exist
/// in the target month (31 May minus 3 months), chrono clamps to the month's last day.
pub fn months_before(as_of: Date, months: u32) -> Date {
    as_of
        .checked_sub_months(Months::new(months))
        .unwrap_or(Date::MIN)
}

/// The first day inside a window of `days` days ending on `as_of`.
pub fn days_before(as_of: Date, days: u32) -> Date {
    as_of
        .checked_sub_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(Date::MIN)
}

/// Adds days, saturating at the end of the calendar (rules may compute far dates).
pub fn add_days(date: Date, days: i64) -> Date {
    let shifted = if days >= 0 {
        date.checked_add_days(chrono::Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
    };
    shifted.unwrap_or(if days >= 0 { Date::MAX } else { Date::MIN })
}

/// The days a rule's date arithmetic may reach: years 1 to 9999, the dates
/// `YYYY-MM-DD` can write. Beyond them a due date would never be overdue, so a
/// rule that computes one fails instead.
pub fn in_written_range(date: Date) -> bool {
    (1..=9999).contains(&year(date))
}

/// [`add_days`] for rules: `None` when the result is outside years 1–9999.
pub fn checked_add_days(date: Date, days: i64) -> Option<Date> {
    let shifted = if days >= 0 {
        date.checked_add_days(chrono::Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
    };
    shifted.filter(|d| in_written_range(*d))
}

/// [`add_months`] for rules: `None` when the result is outside years 1–9999.
pub fn checked_add_months(date: Date, months: i64) -> Option<Date> {
    let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    let shifted = if months >= 0 {
        date.checked_add_months(m)
    } else {
        date.checked_sub_months(m)
    };
    shifted.filter(|d| in_written_range(*d))
}

/// Adds calendar months (negative subtracts), clamping the day like [`months_before`].
pub fn add_months(date: Date, months: i64) -> Date {
    let m = Months::new(u32::try_from(months.unsigned_abs()).unwrap_or(u32::MAX));
    let shifted = if months >= 0 {
        date.checked_add_months(m)
    } else {
        date.checked_sub_months(m)
    };
    shifted.unwrap_or(if months >= 0 { Date::MAX } else { Date::MIN })
}

/// Whether `dd`, `mm`, `yy` form a real day in some century (for CPR detection).
pub fn is_real_day_month(day: u32, month: u32, two_digit_year: u32) -> bool {
    // A CPR number's century is encoded elsewhere; accept the date if it exists in
    // either 19yy or 20yy (29 February 00 exists in 2000).
    [1900, 2000].iter().any(|century| {
        NaiveDate::from_ymd_opt((century + two_digit_year) as i32, month, day).is_some()
    })
}

/// The year of a date, for callers that should not import chrono.
pub fn year(date: Date) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn parse_is_strict() {
        assert_eq!(parse_date("2024-02-29"), Some(d("2024-02-29")));
        for bad in [
            "2023-02-29",
            "2024-2-29",
            "24-02-29",
            "2024/02/29",
            "2024-13-01",
            " 2024-01-01",
            "2024-01-01T00",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn age_counts_the_birthday_itself() {
        assert_eq!(age_on(d("2011-11-23"), d("2026-11-23")), Some(15));
        assert_eq!(age_on(d("2011-11-24"), d("2026-11-23")), Some(14));
        assert_eq!(age_on(d("2011-11-22"), d("2026-11-23")), Some(15));
    }

    #[test]
    fn leap_day_birthdays_turn_on_first_of_march_in_common_years() {
        let born = d("2008-02-29");
        assert_eq!(age_on(born, d("2026-02-28")), Some(17));
        assert_eq!(age_on(born, d("2026-03-01")), Some(18));
        // In a leap year the birthday itself exists.
        assert_eq!(age_on(born, d("2028-02-28")), Some(19));
        assert_eq!(age_on(born, d("2028-02-29")), Some(20));
    }

    #[test]
    fn age_is_none_before_birth() {
        assert_eq!(age_on(d("2026-12-01"), d("2026-11-23")), None);
        assert_eq!(age_on(d("2026-11-23"), d("2026-11-23")), Some(0));
    }

    #[test]
    fn month_windows_start_on_the_same_day_or_the_month_end() {
        assert_eq!(months_before(d("2026-11-23"), 12), d("2025-11-23"));
        assert_eq!(months_before(d("2026-11-23"), 60), d("2021-11-23"));
        assert_eq!(months_before(d("2026-05-31"), 3), d("2026-02-28"));
        assert_eq!(months_before(d("2024-02-29"), 12), d("2023-02-28"));
        assert_eq!(months_before(d("2026-11-23"), 0), d("2026-11-23"));
    }

    #[test]
    fn day_windows_and_shifts() {
        assert_eq!(days_before(d("2026-11-23"), 30), d("2026-10-24"));
        assert_eq!(add_days(d("2026-12-28"), 7), d("2027-01-04"));
        assert_eq!(add_days(d("2026-03-01"), -1), d("2026-02-28"));
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2026-03-31"), -1), d("2026-02-28"));
    }

    #[test]
    fn cpr_day_month_check() {
        assert!(is_real_day_month(29, 2, 0));
        assert!(!is_real_day_month(29, 2, 1));
        assert!(!is_real_day_month(32, 1, 10));
        assert!(!is_real_day_month(1, 13, 10));
    }
}
