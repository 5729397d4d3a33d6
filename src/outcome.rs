//! The outcome of screening one person, and the run header: the data every
//! output format renders (SPEC §3). Field names and order here are the contract.

use rhai::ImmutableString;
use serde::{Serialize, Serializer};

pub use crate::proposal::Reason;
use crate::proposal::{Limb, Number, Recipient, Route};
use crate::time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Screened: everything in the outcome is a proposal for human review.
    Proposed,
    OutOfScope,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::OutOfScope => "out_of_scope",
            Status::Error => "error",
        }
    }
}

/// A youth crime board candidacy (SPEC §3 `youth_board`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YouthBoard {
    pub route: Route,
    pub limb: Limb,
    pub reasons: Vec<Reason>,
}

/// A concern-letter proposal with its place in the batch (SPEC §3
/// `concern_letter`), plus `priority_terms`: how the priority is made up,
/// when the rule named its terms (docs/data-format.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcernLetter {
    pub recipients: Vec<Recipient>,
    #[serde(serialize_with = "number")]
    pub priority: f64,
    /// `[{ "name", "value" }]` in the rule's order; empty when the rule gave
    /// the priority as one number.
    #[serde(serialize_with = "terms")]
    pub priority_terms: Vec<(ImmutableString, f64)>,
    /// 1-based rank among all letter proposals of the batch.
    pub rank: usize,
    /// Among the first `batch_size`: proposed for this coordination meeting.
    pub in_batch: bool,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub kind: ImmutableString,
    #[serde(serialize_with = "optional_date")]
    pub due: Option<Date>,
    pub overdue: bool,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub person_id: ImmutableString,
    pub status: Status,
    pub age: Option<u32>,
    pub level: u8,
    pub level_name: ImmutableString,
    pub forum: ImmutableString,
    pub youth_board: Option<YouthBoard>,
    pub concern_letter: Option<ConcernLetter>,
    pub actions: Vec<Action>,
    pub explanation: Vec<Reason>,
    pub error: Option<String>,
}

impl Outcome {
    /// Whether anything is proposed (what the table lists).
    pub fn has_proposal(&self) -> bool {
        self.level > 0
            || self.youth_board.is_some()
            || self.concern_letter.is_some()
            || !self.actions.is_empty()
    }
}

/// Counts for the run header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub persons: usize,
    pub events: usize,
    /// Screened persons per level name, levels in order.
    pub by_level: indexmap_like::OrderedCounts,
    pub out_of_scope: usize,
    pub youth_board: usize,
    pub concern_letters: usize,
    pub errors: usize,
    /// Letters in this meeting's batch (the first `batch_size` by rank); not
    /// in the JSON document, whose counts SPEC §3 names.
    #[serde(skip)]
    pub concern_letters_in_batch: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub tool_version: &'static str,
    #[serde(serialize_with = "date")]
    pub as_of: Date,
    pub ruleset_digest: String,
    pub persons_digest: String,
    pub events_digest: String,
    /// The municipalities screened (from tryg.toml, or `--municipality`).
    pub municipalities: Vec<String>,
    pub counts: Counts,
}

/// A whole screening: the run header and one outcome per person, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub run: Run,
    pub outcomes: Vec<Outcome>,
    /// Filled only for formats that show events (html); never in the JSON
    /// document, whose fields SPEC §3 names.
    #[serde(skip)]
    pub events: EventDetails,
}

/// What the reviewers' report shows of the events behind the outcomes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventDetails {
    /// Event id → "2026-11-19 suspicion, 76319 gaderøveri (robbery)".
    pub described: std::collections::BTreeMap<ImmutableString, String>,
    /// Person id → their usable events (inside retention, not after the as-of
    /// date) that no reason cites: outside every window the rules used.
    pub uncited: std::collections::BTreeMap<ImmutableString, Vec<ImmutableString>>,
}

pub mod indexmap_like {
    //! A tiny ordered map of counts, so `by_level` keeps level order in JSON.
    use serde::ser::{Serialize, SerializeMap, Serializer};

    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct OrderedCounts(pub Vec<(String, usize)>);

    impl Serialize for OrderedCounts {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }
}

fn date<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&date.format("%Y-%m-%d"))
}

fn optional_date<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
        None => s.serialize_none(),
    }
}

/// Whole numbers print without a fraction (`5`, not `5.0`).
fn number<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    Number(*value).serialize(s)
}

fn terms<S: Serializer>(terms: &[(ImmutableString, f64)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Term<'a> {
        name: &'a str,
        value: Number,
    }
    s.collect_seq(terms.iter().map(|(name, value)| Term {
        name,
        value: Number(*value),
    }))
}
