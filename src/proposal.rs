//! What a rule can propose, as typed values, and the [`Reason`] that records
//! one proposal: which rule, which line, in which words, on which events.
//!
//! A proposal stays typed from the moment a rule makes it to every output:
//! `explain`, `diff`, the table and the reviewers' report read these fields,
//! and the words of SPEC §3's `effect` (`level 2`, `youth_board prosecution
//! (listed)`, …) are made from them only when a person reads them
//! ([`Proposal`]'s `Display`). Nothing parses them back.

use std::fmt;

use rhai::ImmutableString;
use serde::{Serialize, Serializer};

use crate::time::Date;

/// A token enum's strings live in one place: its variants' names, cased as
/// the data contract spells them (snake_case unless given), via strum:
/// `Route::Secretariat` is `"secretariat"`.
macro_rules! token_enum {
    ($(#[$meta:meta])* $name:ident { $($body:tt)+ }) => {
        $crate::proposal::token_enum!($(#[$meta])* $name as "snake_case" { $($body)+ });
    };
    ($(#[$meta:meta])* $name:ident as $case:literal { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantNames,
            strum::EnumIter, serde::Serialize,
        )]
        #[strum(serialize_all = $case)]
        #[serde(into = "&'static str")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every token, in declaration order.
            pub const TOKENS: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

            /// The token, as the data contract and the outputs spell it.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Parses a token; `None` for anything outside the vocabulary.
            pub fn parse(token: &str) -> Option<Self> {
                token.parse().ok()
            }

            /// Every variant, in declaration order.
            pub fn all() -> impl Iterator<Item = Self> {
                <Self as strum::IntoEnumIterator>::iter()
            }
        }
    };
}
pub(crate) use token_enum;

token_enum! {
    /// Who refers a youth crime board candidate, by age at the most recent
    /// qualifying offence (SPEC §4; Københavns Vestegns Politi, cooperation
    /// plan 2025): 10–14 to the board's secretariat, 15–17 to the prosecution.
    Route {
        /// `secretariat`: 10–14 in the default pack (`secretariat_max_age`);
        /// the police refer directly to the board's secretariat.
        Secretariat,
        /// `prosecution`: 15–17 in the default pack; the police recommend to
        /// Anklagemyndigheden, which brings it before the court.
        Prosecution,
    }
}

token_enum! {
    /// Which limb of § 2 of the youth crime board's law a candidacy rests on.
    Limb {
        /// A crime § 2 names (against life, body and liberty, arson, rape,
        /// threats, robbery).
        Listed,
        /// Other serious crime with an indication of a particular risk of
        /// reoffending, which the law leaves to human judgement.
        SeriousWithRisk,
    }
}

token_enum! {
    /// Who a concern letter goes to: the person, and the guardians of a minor.
    Recipient {
        /// `person`: the person.
        Person,
        /// `guardians`: the person's guardians; the default pack adds them
        /// under 18 (`guardians_under_age`).
        Guardians,
    }
}

/// A concern letter's priority: the number letters are ranked by (higher
/// first), and the named terms it is the sum of, when the rule gave them.
///
/// Terms are kept so a reviewer sees how a priority is made up ("affiliation
/// 3 + offences 1 + …") without anyone parsing the rule's text; a rule that
/// passes a plain number has no terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    /// The sum of `terms`, or the number given.
    pub total: f64,
    /// `(name, value)` in the order the rule gave them; values may be negative.
    pub terms: Vec<(ImmutableString, f64)>,
}

impl Priority {
    /// A priority given as one number, without terms.
    pub fn total(total: f64) -> Priority {
        Priority {
            total,
            terms: Vec::new(),
        }
    }
}

/// What the host itself left out of a person's screening (reasons of rule
/// `tryg`, at the tryg.toml line of the setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Events older than `retention_months` (SPEC §2).
    Retention,
    /// Events dated after the as-of date (SPEC §2).
    AfterAsOf,
}

/// Whether `kind` can be an action's kind: a lower-case token of `a`–`z` and
/// `_` (`network_council`), as `propose_action` requires and `tryg check`
/// checks of a literal kind.
pub fn is_action_kind(kind: &str) -> bool {
    !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// One proposal, typed. A [`Reason`] carries exactly one.
#[derive(Debug, Clone, PartialEq)]
pub enum Proposal {
    /// A case level, 1 to the highest level `[levels] names` names (3 by
    /// default); the highest proposed wins.
    Level(u8),
    /// A youth crime board candidacy.
    YouthBoard {
        /// Who refers, by age at the most recent qualifying offence.
        route: Route,
        /// The limb of § 2: `listed` when any qualifying offence is listed.
        limb: Limb,
    },
    /// A concern letter, before the batch-wide ranking.
    ConcernLetter {
        /// As the rule listed them (`["person", "guardians"]` under 18 in the
        /// default pack).
        recipients: Vec<Recipient>,
        /// What the batch-wide ranking orders letters by.
        priority: Priority,
    },
    /// An action with its legal deadline, if it has one. `kind` is a
    /// lower-case token (`network_council`), owned by the rule pack.
    Action {
        /// e.g. `network_council`, `concern_conversation`, `exit_conversation`.
        kind: ImmutableString,
        /// The due date (e.g. the event's date + 7 days for a network council),
        /// or `None` when there is no deadline.
        due: Option<Date>,
    },
    /// Words for the reviewers that propose nothing (`note(text)`): what the
    /// register says of an earlier referral, say. Shown in the explanation.
    Note,
    /// The person is not screened; no further rule file runs.
    OutOfScope,
    /// Events the host did not give the rules (not a rule's proposal).
    LeftOut(LeftOut),
}

impl Proposal {
    /// The kind of proposal without its values, for counting gains and losses
    /// (`level 3` and `action network_council` keep their value: each is a
    /// proposal of its own).
    pub fn kind(&self) -> String {
        match self {
            Proposal::Level(n) => format!("level {n}"),
            Proposal::YouthBoard { .. } => "youth_board".into(),
            Proposal::ConcernLetter { .. } => "concern_letter".into(),
            Proposal::Action { kind, .. } => format!("action {kind}"),
            Proposal::Note => "note".into(),
            Proposal::OutOfScope => "out_of_scope".into(),
            Proposal::LeftOut(_) => "left_out".into(),
        }
    }
}

/// The words of SPEC §3's `effect`: `level 2`, `youth_board prosecution
/// (listed)`, `concern_letter priority 4`, `action network_council due
/// 2026-11-27`, `note`, `out_of_scope`, `left_out`.
impl fmt::Display for Proposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proposal::Level(n) => write!(f, "level {n}"),
            Proposal::YouthBoard { route, limb } => write!(f, "youth_board {route} ({limb})"),
            Proposal::ConcernLetter { priority, .. } => {
                write!(f, "concern_letter priority {}", Number(priority.total))
            }
            Proposal::Action { kind, due: Some(d) } => write!(f, "action {kind} due {d}"),
            Proposal::Action { kind, due: None } => write!(f, "action {kind}"),
            Proposal::Note => f.write_str("note"),
            Proposal::OutOfScope => f.write_str("out_of_scope"),
            Proposal::LeftOut(_) => f.write_str("left_out"),
        }
    }
}

/// What one call of an effect function said: everything of a [`Reason`] but
/// its evidence. Every person whose run takes the same path through a rule
/// file shares one (the memo hands out the same one), so a screening keeps a
/// person's reasons as these plus event indices.
#[derive(Debug, Clone, PartialEq)]
pub struct ReasonTemplate {
    /// Rule file stem (`level2_crime`), or `tryg` for the host.
    pub rule: ImmutableString,
    /// 1-based line of the call (or of the tryg.toml setting); 0 when none.
    pub line: usize,
    /// What was proposed.
    pub proposal: Proposal,
    /// The rule's own words.
    pub text: ImmutableString,
}

/// Why a proposal was made: which rule, which line, in which words, on which
/// events (SPEC §3's REASON).
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// Rule file stem (`level2_crime`), or `tryg` for what the host itself did
    /// under a tryg.toml setting (retention, scope by birth date).
    pub rule: ImmutableString,
    /// 1-based line in the rule file (or in tryg.toml for `tryg`); 0 when
    /// there is none.
    pub line: usize,
    /// What was proposed.
    pub proposal: Proposal,
    /// The rule's own words.
    pub text: ImmutableString,
    /// Ids of the events the proposal rests on, each once, in the order cited.
    pub evidence: Vec<ImmutableString>,
}

/// SPEC §3: `{ "rule", "line", "effect", "text", "evidence" }`, with `effect`
/// in words made from the typed proposal.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut r = s.serialize_struct("Reason", 5)?;
        r.serialize_field("rule", &self.rule)?;
        r.serialize_field("line", &self.line)?;
        r.serialize_field("effect", &format_args!("{}", self.proposal))?;
        r.serialize_field("text", &self.text)?;
        r.serialize_field("evidence", &self.evidence)?;
        r.end()
    }
}

/// A number as JSON and the text formats show it: whole numbers without a
/// fraction (`5`, not `5.0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl Number {
    /// Whether the value prints as an integer (and fits one exactly).
    fn whole(self) -> Option<i64> {
        (self.0.fract() == 0.0 && self.0.abs() < 9.0e15).then_some(self.0 as i64)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.whole() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(n) => s.serialize_i64(n),
            None => s.serialize_f64(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_spelt_as_the_contract_spells_them() {
        assert_eq!(Route::Secretariat.as_str(), "secretariat");
        assert_eq!(Limb::SeriousWithRisk.to_string(), "serious_with_risk");
        assert_eq!(Limb::parse("listed"), Some(Limb::Listed));
        assert_eq!(Recipient::parse("guardian"), None);
        assert_eq!(Recipient::TOKENS, ["person", "guardians"]);
    }

    #[test]
    fn effect_words_are_made_from_the_proposal() {
        let board = Proposal::YouthBoard {
            route: Route::Prosecution,
            limb: Limb::Listed,
        };
        assert_eq!(board.to_string(), "youth_board prosecution (listed)");
        let letter = Proposal::ConcernLetter {
            recipients: vec![Recipient::Person],
            priority: Priority::total(-1.5),
        };
        assert_eq!(letter.to_string(), "concern_letter priority -1.5");
        let due = crate::time::parse_date("2026-11-27");
        let action = Proposal::Action {
            kind: "network_council".into(),
            due,
        };
        assert_eq!(action.to_string(), "action network_council due 2026-11-27");
        assert_eq!(action.kind(), "action network_council");
    }

    #[test]
    fn whole_numbers_print_without_a_fraction() {
        assert_eq!(Number(4.0).to_string(), "4");
        assert_eq!(Number(0.5).to_string(), "0.5");
        assert_eq!(serde_json::to_string(&Number(-2.0)).unwrap(), "-2");
    }
}
