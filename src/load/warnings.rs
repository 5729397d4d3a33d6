//! What is legal in a batch but almost certainly not what the user meant:
//! warnings, which are values ([`Warning`]) returned with the batch. They
//! change no decision and no exit status; the command shows them.
//!
//! - `no-persons`, `no-events`: a file with a header and no rows (a failed
//!   export screens everyone against nothing, without a word otherwise).
//! - `municipality-near-miss`: persons whose municipality differs from a
//!   screened one only by case, accents (`ø` and `æ` counted as accented `o`
//!   and `ae`), hyphens and spaces, or a suffix such as ` Kommune` /
//!   `s Kommune`: they are out of scope, and most likely should not be.
//! - `municipality-unmatched`: a screened municipality nobody lives in (and
//!   no near miss explains it).
//! - `nobody-in-scope`: nobody lives in a screened municipality, so every
//!   person will be out of scope.
//!
//! Place names are shown in the messages: municipality names are not
//! personal data, and a data value is only shown when it is a near miss of a
//! configured name.

use std::collections::HashMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::diagnostic::did_you_mean;
use crate::person::Person;

/// Something about the input a reader of the report should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable kebab-case class, e.g. `no-events`.
    pub code: &'static str,
    /// One sentence for people, naming no personal value.
    pub message: String,
}

impl Warning {
    fn new(code: &'static str, message: String) -> Warning {
        Warning { code, message }
    }

    /// `incomplete`: a rule failed for `not_screened` persons (`status =
    /// error`), so the report proposes nothing for them (issue 13, item 4).
    /// Not a problem of the batch: the screening adds it to the run's
    /// warnings, first.
    pub fn incomplete(not_screened: usize) -> Warning {
        let who = if not_screened == 1 {
            "1 person".to_string()
        } else {
            format!("{not_screened} persons")
        };
        Warning::new(
            "incomplete",
            format!(
                "report incomplete: {who} not screened: a rule failed (status = error), so nothing is proposed for them and the concern letters are ranked without them; fix the rule and screen again"
            ),
        )
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning[{}]: {}", self.code, self.message)
    }
}

/// The warnings of a loaded batch, in a fixed order: empty files, then near
/// misses (by name), unmatched municipalities (in configured order), and
/// whether anybody is in scope.
pub fn check(persons: &[Person], events: usize, screened: &[String]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if persons.is_empty() {
        warnings.push(Warning::new(
            "no-persons",
            "the persons file has no rows: there is nobody to screen".into(),
        ));
    }
    if events == 0 {
        warnings.push(Warning::new(
            "no-events",
            "the events file has no rows: every person is screened as if nothing had been registered (a failed export?)".into(),
        ));
    }
    if persons.is_empty() {
        return warnings;
    }
    // Neighbours usually share a municipality (and its string): count runs.
    let mut living: HashMap<&str, usize, ahash::RandomState> = HashMap::default();
    for run in persons.chunk_by(|a, b| a.municipality == b.municipality) {
        *living.entry(run[0].municipality.as_str()).or_default() += run.len();
    }
    let mut names: Vec<(&str, usize)> = living.into_iter().collect();
    names.sort_unstable();
    let count = |name: &str| {
        names
            .binary_search_by_key(&name, |&(n, _)| n)
            .map_or(0, |i| names[i].1)
    };

    let mut explained = vec![false; screened.len()];
    for &(name, n) in &names {
        if screened.iter().any(|s| s == name) {
            continue;
        }
        if let Some(k) = screened.iter().position(|s| near_miss(name, s)) {
            explained[k] = true;
            let who = if n == 1 {
                "1 person lives".to_string()
            } else {
                format!("{n} persons live")
            };
            warnings.push(Warning::new(
                "municipality-near-miss",
                format!(
                    "{who} in `{name}`; did you mean `{}`? Only exact names are screened, so they are out of scope",
                    screened[k]
                ),
            ));
        }
    }
    let in_scope: usize = screened.iter().map(|s| count(s)).sum();
    for (k, name) in screened.iter().enumerate() {
        if count(name) > 0 || explained[k] || in_scope == 0 {
            continue;
        }
        let hint = did_you_mean(name, names.iter().map(|&(n, _)| n))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        warnings.push(Warning::new(
            "municipality-unmatched",
            format!("nobody in the batch lives in `{name}`{hint}; municipality names are matched as written"),
        ));
    }
    if in_scope == 0 {
        let listed = screened
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = screened
            .iter()
            .find_map(|s| did_you_mean(s, names.iter().map(|&(n, _)| n)).map(|d| (s, d)))
            .filter(|_| !explained.iter().any(|&e| e))
            .map(|(s, d)| format!(" (`{d}` for `{s}`?)"))
            .unwrap_or_default();
        warnings.push(Warning::new(
            "nobody-in-scope",
            format!(
                "nobody in the batch lives in a screened municipality ({listed}){hint}: every person will be out of scope"
            ),
        ));
    }
    warnings
}

/// Whether `found` names the municipality `screened` as a person might write
/// it: the same but for case, accents, hyphens and spaces, or a ` Kommune`
/// suffix (with the genitive `s`: `Københavns Kommune`).
pub fn near_miss(found: &str, screened: &str) -> bool {
    let (a, suffixed) = without_kommune(fold(found));
    let (b, _) = without_kommune(fold(screened));
    a == b || (suffixed && a.strip_suffix('s') == Some(b.as_str()))
}

/// Lower case, without accents, with `ø` `æ` `ß` spelt out as letters of the
/// alphabet and runs of spaces, hyphens and underscores as one space.
fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.to_lowercase().nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() || c == '-' || c == '_' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'ø' => out.push('o'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            _ => out.push(c),
        }
    }
    out
}

fn without_kommune(folded: String) -> (String, bool) {
    match folded.strip_suffix(" kommune") {
        Some(stem) => (stem.to_string(), true),
        None => (folded, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_case_accents_and_suffixes() {
        for found in [
            "københavn",
            "KØBENHAVN",
            "Kobenhavn",
            "Københavns Kommune",
            "København Kommune",
            "københavns  kommune",
        ] {
            assert!(near_miss(found, "København"), "{found}");
        }
        assert!(near_miss("Aarhus Kommune", "Aarhus"));
        assert!(near_miss("lyngby taarbæk", "Lyngby-Taarbæk"));
        assert!(near_miss("Hoje-Taastrup", "Høje-Taastrup"));
        for other in ["Frederiksberg", "Københavnerne", "Kbh", "Albertslund"] {
            assert!(!near_miss(other, "København"), "{other}");
        }
    }
}
