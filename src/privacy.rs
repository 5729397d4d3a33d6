//! What of a value a message may show: the one function every message goes
//! through ([`shown`]).
//!
//! Messages (stderr, an outcome's `error`, warnings) get pasted into emails
//! and tickets, and the values they would quote are children's records. A
//! message may carry person and event ids, column names, file positions,
//! place names (municipalities and districts: the reports show them by
//! design), configured tokens, and a date found in a date column (issue 13).
//! Never a CPR-like value, in any column; never free text; never a token
//! outside the vocabulary, which may be a name typed into the wrong column.

/// What a value is, which decides how much of it a message may show.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'a> {
    /// The value of a date column: shown when it is shaped like a date
    /// (digits and `-`, `.`, `/` only, at most 10 characters) and not like a
    /// CPR number.
    Date,
    /// An id (`person_id`, `event_id`, `case_id`): shown when it is a
    /// well-formed id and not CPR-like.
    Id,
    /// An offence code: shown when it is digits only, at most 10, and not
    /// CPR-like.
    Code,
    /// A token of a closed vocabulary: shown only when it is one of `known`.
    Token(&'a [&'a str]),
    /// A token already found in its vocabulary: shown.
    Known,
    /// A municipality or district: shown, unless CPR-like.
    Place,
    /// A value written in the rule pack (a tryg.toml setting, a word in a
    /// rule file): the policy's, not a person's, so shown, unless CPR-like
    /// (pasted in by mistake) or holding a control character.
    Setting,
    /// Anything else (free text, a value a rule computed): never shown.
    Other,
}

/// How `value` appears in a message: quoted (`"2010-13-45"`) when its kind
/// allows, else as its length only ("a value of 6 characters (not shown)").
pub fn shown(value: &str, kind: Kind) -> String {
    if may_show(value, kind) {
        format!("{value:?}")
    } else {
        withheld(value)
    }
}

/// Whether a message may quote `value` of this kind.
pub fn may_show(value: &str, kind: Kind) -> bool {
    if value.is_empty() || contains_cpr(value) {
        return false;
    }
    match kind {
        Kind::Date => {
            value.len() <= 10
                && value
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"-./".contains(&b))
        }
        Kind::Id => crate::load::fields::is_id(value),
        Kind::Code => value.len() <= 10 && value.bytes().all(|b| b.is_ascii_digit()),
        Kind::Token(known) => known.contains(&value),
        Kind::Known => true,
        Kind::Place | Kind::Setting => !value.chars().any(char::is_control),
        Kind::Other => false,
    }
}

/// A value described without being shown: its length in characters.
pub fn withheld(value: &str) -> String {
    match value.chars().count() {
        1 => "a value of 1 character (not shown)".to_string(),
        n => format!("a value of {n} characters (not shown)"),
    }
}

/// Whether `value` could be a CPR number anywhere in it: six digits of a
/// real day and month and four more, with or without the hyphen, alone or
/// inside other text (`010203-1234`, `0102031234`, `cpr 010203 1234`).
pub fn contains_cpr(value: &str) -> bool {
    let digits: Vec<u8> = value
        .bytes()
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
        .collect();
    digits.windows(10).any(|d| {
        let num = |a: usize, b: usize| u32::from(d[a]) * 10 + u32::from(d[b]);
        crate::time::is_real_day_month(num(0, 1), num(2, 3), num(4, 5))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cpr_number_is_never_shown_whatever_the_column() {
        for kind in [
            Kind::Date,
            Kind::Id,
            Kind::Code,
            Kind::Place,
            Kind::Token(&["010203-1234"]),
        ] {
            assert_eq!(
                shown("010203-1234", kind),
                "a value of 11 characters (not shown)"
            );
            assert!(!may_show("0102031234", kind));
        }
        assert!(contains_cpr("cpr: 010203 1234"));
        assert!(!contains_cpr("2010-13-45"));
    }

    #[test]
    fn each_kind_shows_only_what_it_may() {
        assert_eq!(shown("2010-13-45", Kind::Date), "\"2010-13-45\"");
        assert!(!may_show("Jensen", Kind::Date));
        assert!(may_show("P001", Kind::Id));
        assert!(!may_show("P 001", Kind::Id));
        assert!(may_show("84111", Kind::Code));
        assert!(!may_show("8411x", Kind::Code));
        assert!(may_show("leader", Kind::Token(&["leader"])));
        assert!(!may_show("Jensen", Kind::Token(&["M", "F", "X"])));
        assert!(may_show("Indre Nørrebro", Kind::Place));
        assert!(!may_show("Ali Hansen", Kind::Other));
        assert_eq!(
            shown("Søren", Kind::Other),
            "a value of 5 characters (not shown)"
        );
    }
}
