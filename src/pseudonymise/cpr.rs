//! Danish CPR numbers (personnumre): parsing, validation and the birth date
//! they carry.
//!
//! A CPR number is `DDMMYY-SSSS` (or the same ten digits without the hyphen):
//! the birth date, then a four-digit serial whose first digit, with the
//! two-digit year, gives the century (the CPR office's century-digit rule,
//! below). Replacement numbers (erstatningspersonnumre) add 60 to the day and
//! are valid. There is no modulus-11 check: the CPR office stopped
//! guaranteeing it in 2007, so a number that fails it may be real.
//!
//! A [`Cpr`] never shows its digits by accident: it has no `Display`, and its
//! `Debug` prints `Cpr(..)`. Callers that must write the number (the map file,
//! `tryg reidentify`) ask for it by name.

use crate::time::Date;

/// A valid CPR number: ten ASCII digits whose date exists under the
/// century-digit rule (day + 60 for replacement numbers).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpr([u8; 10]);

/// Why a cell is not a CPR number. No variant holds the value: messages built
/// from it can be shown anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    /// A character that is neither a digit nor the hyphen after the sixth
    /// digit; `position` is its 1-based place in the cell (characters).
    #[error(
        "holds a character that is not a digit at position {position} (a CPR number is DDMMYY-SSSS or ten digits)"
    )]
    StrayCharacter {
        /// 1-based character position in the cell.
        position: usize,
    },
    /// Digits only (and the hyphen), but not ten of them.
    #[error("has {digits} digits; a CPR number has 10 (DDMMYY-SSSS)")]
    WrongLength {
        /// How many digits the cell has.
        digits: usize,
        /// Whether it has the hyphen after the sixth digit.
        hyphen: bool,
    },
    /// Ten digits whose first six are no date in the century the seventh
    /// digit gives (day 1–31, or 61–91 for a replacement number).
    #[error(
        "does not start with a real birth date (DDMMYY, day + 60 for a replacement number, century from the seventh digit)"
    )]
    ImpossibleDate,
}

impl CprError {
    /// Stable kebab-case diagnostic code of each class.
    pub fn code(self) -> &'static str {
        match self {
            CprError::StrayCharacter { .. } => "cpr-stray-character",
            CprError::WrongLength { .. } => "cpr-wrong-length",
            CprError::ImpossibleDate => "cpr-impossible-date",
        }
    }

    /// What the user can do about it.
    pub fn hint(self) -> &'static str {
        match self {
            CprError::WrongLength {
                digits: 9,
                hyphen: false,
            } => {
                "a spreadsheet may have dropped a leading zero: format the CPR column as text before exporting"
            }
            CprError::StrayCharacter { .. } | CprError::WrongLength { .. } => {
                "write CPR numbers as DDMMYY-SSSS or as ten digits; if this column holds another id, name the CPR column with --id-column"
            }
            CprError::ImpossibleDate => {
                "check the number against its source: it cannot be a CPR number"
            }
        }
    }
}

impl Cpr {
    /// Parses a trimmed cell: `DDMMYY-SSSS` or `DDMMYYSSSS`.
    ///
    /// Errors, checked in this order: a stray character (anything but digits
    /// and one hyphen after the sixth digit), a wrong number of digits, a
    /// date that does not exist.
    pub fn parse(text: &str) -> Result<Cpr, CprError> {
        let mut digits = [0u8; 10];
        let (mut count, mut hyphen) = (0, false);
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => {
                    if count < 10 {
                        digits[count] = c as u8;
                    }
                    count += 1;
                }
                '-' if i == 6 && count == 6 => hyphen = true,
                _ => return Err(CprError::StrayCharacter { position: i + 1 }),
            }
        }
        if count != 10 {
            return Err(CprError::WrongLength {
                digits: count,
                hyphen,
            });
        }
        let cpr = Cpr(digits);
        cpr.date().ok_or(CprError::ImpossibleDate)?;
        Ok(cpr)
    }

    /// The ten digits, without a hyphen: the form pseudonyms are made from.
    pub fn digits(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ten ASCII digits")
    }

    /// `DDMMYY-SSSS`, the form people write.
    pub fn hyphenated(&self) -> String {
        let d = self.digits();
        format!("{}-{}", &d[..6], &d[6..])
    }

    /// The birth date: the day less 60 for a replacement number, the century
    /// from the seventh digit and the year.
    pub fn birth_date(&self) -> Date {
        self.date().expect("checked when parsed")
    }

    /// Whether this is a replacement number (erstatningspersonnummer, day + 60).
    pub fn is_replacement(&self) -> bool {
        self.two(0) > 60
    }

    fn two(&self, at: usize) -> u32 {
        u32::from(self.0[at] - b'0') * 10 + u32::from(self.0[at + 1] - b'0')
    }

    fn date(&self) -> Option<Date> {
        birth_date(self.two(0), self.two(2), self.two(4), self.0[6] - b'0')
    }
}

impl std::fmt::Debug for Cpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the digits: a Debug print ends up in logs and panics.
        f.write_str("Cpr(..)")
    }
}

/// The century of a CPR number's birth year from its seventh digit (the first
/// of the serial) and two-digit year, as the CPR office defines it:
///
/// | 7th digit | 00–36 | 37–57 | 58–99 |
/// |---|---|---|---|
/// | 0–3 | 1900 | 1900 | 1900 |
/// | 4, 9 | 2000 | 1900 | 1900 |
/// | 5–8 | 2000 | 2000 | 1800 |
pub fn century(seventh: u8, year: u32) -> i32 {
    match (seventh, year) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (_, 0..=57) => 2000,
        _ => 1800,
    }
}

/// The birth date of a CPR number's fields, if it exists: day 1–31 (or 61–91
/// for a replacement number), month 1–12, the year in its century.
fn birth_date(day: u32, month: u32, year: u32, seventh: u8) -> Option<Date> {
    let day = if day > 60 { day - 60 } else { day };
    Date::from_ymd_opt(century(seventh, year) + year as i32, month, day)
}

/// Whether a cell holds something shaped like a CPR number anywhere in it: a
/// run of exactly ten digits whose first six are a day (or day + 60), month
/// and year, or six digits, a hyphen or space, and four digits (the shape
/// alone, as the loader refuses it). Used on every cell that is passed on, so
/// a CPR number typed into the wrong column never leaves the extract.
pub fn contains_cpr_like(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let run = &b[start..i];
        let num = |at: usize| u32::from(run[at] - b'0') * 10 + u32::from(run[at + 1] - b'0');
        if run.len() == 10 {
            let seventh = run[6] - b'0';
            if birth_date(num(0), num(2), num(4), seventh).is_some() {
                return true;
            }
        }
        if run.len() == 6
            && i + 5 <= b.len()
            && matches!(b[i], b'-' | b' ')
            && b[i + 1..i + 5].iter().all(u8::is_ascii_digit)
            && b.get(i + 5).is_none_or(|c| !c.is_ascii_digit())
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        crate::time::parse_date(text).unwrap()
    }

    #[test]
    fn both_written_forms_parse_to_the_same_number() {
        let a = Cpr::parse("010212-1234").unwrap();
        let b = Cpr::parse("0102121234").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.digits(), "0102121234");
        assert_eq!(a.hyphenated(), "010212-1234");
    }

    #[test]
    fn the_century_digit_rule() {
        // (cpr, birth date): each row of the CPR office's table at its edges.
        for (cpr, born) in [
            ("0101000000", "1900-01-01"),
            ("0101993999", "1999-01-01"),
            ("0101364000", "2036-01-01"),
            ("0101374000", "1937-01-01"),
            ("0101369000", "2036-01-01"),
            ("0101379999", "1937-01-01"),
            ("0101575000", "2057-01-01"),
            ("0101585000", "1858-01-01"),
            ("0101008999", "2000-01-01"),
            ("0101998999", "1899-01-01"),
        ] {
            assert_eq!(Cpr::parse(cpr).unwrap().birth_date(), date(born), "{cpr}");
        }
    }

    #[test]
    fn replacement_numbers_are_day_plus_sixty() {
        let cpr = Cpr::parse("6105124321").unwrap();
        assert!(cpr.is_replacement());
        assert_eq!(cpr.birth_date(), date("2012-05-01"));
        assert_eq!(
            Cpr::parse("9112124321").unwrap().birth_date(),
            date("2012-12-31")
        );
        assert!(!Cpr::parse("3112124321").unwrap().is_replacement());
    }

    #[test]
    fn no_modulus_11_check() {
        // 0101121235 fails the old modulus-11 test; it is still a valid number.
        assert!(Cpr::parse("0101121235").is_ok());
        assert!(Cpr::parse("0101121236").is_ok());
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "0001121234", // day 0
            "3201121234", // day 32
            "6001121234", // day 60 (0 + 60)
            "9201121234", // day 92 (32 + 60)
            "0100121234", // month 0
            "0113121234", // month 13
            "2902130000", // 29 Feb 1913
            "2902014000", // 29 Feb 2001 (digit 4, year 01)
            "3104121234", // 31 April
            "8902130000", // replacement 29 Feb 1913
        ] {
            assert_eq!(Cpr::parse(bad), Err(CprError::ImpossibleDate), "{bad}");
        }
        // 29 Feb exists in 2000 and 1904.
        assert!(Cpr::parse("2902004000").is_ok());
        assert!(Cpr::parse("2902040000").is_ok());
        // 29 Feb 1900 does not (digit 0–3, year 00 is 1900, not a leap year).
        assert_eq!(Cpr::parse("2902000000"), Err(CprError::ImpossibleDate));
    }

    #[test]
    fn wrong_lengths_are_refused() {
        for (bad, digits, hyphen) in [
            ("102121234", 9, false),
            ("01021212345", 11, false),
            ("010212-123", 9, true),
            ("010212-12345", 11, true),
            ("0", 1, false),
        ] {
            assert_eq!(
                Cpr::parse(bad),
                Err(CprError::WrongLength { digits, hyphen }),
                "{bad}"
            );
        }
        // Only nine bare digits look like a number a spreadsheet shortened.
        let hint = |text| Cpr::parse(text).unwrap_err().hint();
        assert!(hint("102121234").contains("leading zero"));
        assert!(!hint("010212-123").contains("leading zero"));
    }

    #[test]
    fn stray_characters_are_refused_with_their_position() {
        for (bad, position) in [
            ("010212 1234", 7),
            ("01021-21234", 6),
            ("010212--1234", 8),
            ("010212-1234x", 12),
            ("O102121234", 1),
            ("0102121234.", 11),
            ("010212–1234", 7), // an en dash
            ("-0102121234", 1),
        ] {
            assert_eq!(
                Cpr::parse(bad),
                Err(CprError::StrayCharacter { position }),
                "{bad}"
            );
        }
    }

    #[test]
    fn messages_never_hold_the_value() {
        for bad in ["0113121234", "010212-123", "01021x1234"] {
            let e = Cpr::parse(bad).unwrap_err();
            let text = format!("{e} {} {e:?}", e.hint());
            assert!(!text.contains("0113") && !text.contains("010212"), "{text}");
        }
        let cpr = Cpr::parse("0102121234").unwrap();
        assert_eq!(format!("{cpr:?}"), "Cpr(..)");
    }

    #[test]
    fn cpr_like_text_is_found_inside_cells() {
        for text in [
            "0102121234",
            "cpr 0102121234",
            "010212-1234",
            "010212 1234",
            "x999999-9999y",
            "6102121234",
        ] {
            assert!(contains_cpr_like(text), "{text}");
        }
        for text in [
            "2012-02-01",
            "84111",
            "København",
            "3213121234",  // day 32
            "01021212345", // eleven digits
            "010212-12345",
            "12345678901234",
            "",
        ] {
            assert!(!contains_cpr_like(text), "{text}");
        }
    }
}
