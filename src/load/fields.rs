//! Field-level checks shared by both input files: ids, CPR detection, booleans,
//! and how a bad value may be echoed in an error message.

use crate::time::is_real_day_month;

/// SPEC §1: 1–64 characters of `A-Z a-z 0-9 _ -`.
pub fn is_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether an id looks like a Danish CPR number: `DDMMYY-XXXX`, or ten digits
/// whose first six are a real day, month and year. Ids must be pseudonymous.
pub fn looks_like_cpr(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    match b.len() {
        // With the hyphen the shape alone is enough to refuse: nothing else in
        // casework is written that way, and a false refusal costs one renamed id.
        11 => digits(0..6) && b[6] == b'-' && digits(7..11),
        10 if digits(0..10) => {
            let num = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
            is_real_day_month(num(0), num(2), num(4))
        }
        _ => false,
    }
}

/// SPEC §1 booleans: `true/false`, `yes/no`, `1/0`, any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_id("P001"));
        assert!(is_id("a_b-C9"));
        assert!(is_id(&"x".repeat(64)));
        assert!(!is_id(&"x".repeat(65)));
        assert!(!is_id(""));
        assert!(!is_id("P 1"));
        assert!(!is_id("Pø1"));
    }

    #[test]
    fn cpr_numbers_are_recognised() {
        assert!(looks_like_cpr("010203-1234"));
        assert!(looks_like_cpr("0102031234"));
        assert!(looks_like_cpr("2902001234"), "29 Feb 2000 exists");
        assert!(
            looks_like_cpr("999999-9999"),
            "the hyphenated shape is refused as such"
        );
    }

    #[test]
    fn other_ids_pass() {
        assert!(!looks_like_cpr("3213011234"), "day 32 is no date");
        assert!(!looks_like_cpr("0113011234"), "month 13 is no date");
        assert!(
            !looks_like_cpr("2902011234"),
            "29 Feb 01 exists in no century"
        );
        assert!(!looks_like_cpr("P0102031234"));
        assert!(!looks_like_cpr("010203123"));
        assert!(!looks_like_cpr("01020312345"));
    }

    #[test]
    fn bools() {
        for t in ["true", "TRUE", "Yes", "1"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for f in ["false", "No", "0"] {
            assert_eq!(parse_bool(f), Some(false));
        }
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_bool("2"), None);
    }
}
