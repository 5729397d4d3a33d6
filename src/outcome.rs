//! The outcome of screening one person, and the run header: the data every
//! output format renders (SPEC §3). Field names and order here are the contract.

use rhai::ImmutableString;
use serde::{Serialize, Serializer};

pub use crate::proposal::Reason;
use crate::proposal::{Limb, Number, Recipient, Route};
use crate::time::Date;

/// Whether a person was screened (SPEC §3 `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Screened: everything in the outcome is a proposal for human review.
    Proposed,
    /// Not screened: outside the screened municipalities, born after the
    /// as-of date, or put out of scope by a rule; the reason says which.
    OutOfScope,
    /// A rule failed for this person: nothing is proposed, `error` says
    /// which rule file and line, and the exit status is 3.
    Error,
}

impl Status {
    /// The token JSON and CSV use: `proposed`, `out_of_scope`, `error`.
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
    /// Who refers: by the age at the most recent qualifying offence.
    pub route: Route,
    /// `listed` when any qualifying offence is listed in § 2.
    pub limb: Limb,
    /// Every reason for the candidacy, in the order the rules gave them.
    pub reasons: Vec<Reason>,
}

/// A concern-letter proposal with its place in the batch (SPEC §3
/// `concern_letter`), plus `priority_terms`: how the priority is made up,
/// when the rule named its terms (docs/data-format.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcernLetter {
    /// `person`, and `guardians` for a minor.
    pub recipients: Vec<Recipient>,
    /// What letters are ranked by, highest first (any real number).
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
    /// Every reason for the letter, in order.
    pub reasons: Vec<Reason>,
}

/// An action with its legal deadline (SPEC §3 `actions`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// The rule pack's token: `network_council`, `concern_conversation`, …
    pub kind: ImmutableString,
    /// The deadline, `YYYY-MM-DD`; `null` when the action has none.
    #[serde(serialize_with = "optional_date")]
    pub due: Option<Date>,
    /// The as-of date is after `due`.
    pub overdue: bool,
    /// Every reason for the action; a second proposal of the same kind adds
    /// its reason and keeps the earlier due date.
    pub reasons: Vec<Reason>,
}

/// One person's outcome (SPEC §3 OUTCOME): proposals for people to decide on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The pseudonymous id from persons.csv.
    pub person_id: ImmutableString,
    /// Screened, not screened, or failed.
    pub status: Status,
    /// Whole years on the as-of date; `null` for a person not yet born.
    pub age: Option<u32>,
    /// 0 to the scheme's highest level (3 by default); 0 for anyone not
    /// screened (read `status` too).
    pub level: u8,
    /// The level's name from `[levels] names`.
    pub level_name: ImmutableString,
    /// The forum for the age from `[[forums]]` (`none`, `SSP`, `SSP+`, `adult`).
    pub forum: ImmutableString,
    /// A youth crime board candidacy, if proposed.
    pub youth_board: Option<YouthBoard>,
    /// A concern letter, if proposed.
    pub concern_letter: Option<ConcernLetter>,
    /// Actions proposed, one per kind, in the order first proposed.
    pub actions: Vec<Action>,
    /// Every reason given, in the order the rules ran (what the host left out
    /// first).
    pub explanation: Vec<Reason>,
    /// For `status = error`: which rule file and line failed, and how.
    pub error: Option<String>,
    /// Registration checks the person's usable events failed (issue 14,
    /// item 5), each naming the event; for persons in scope only, and absent
    /// when there are none. They change no decision.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::registration::Flagged>,
    /// The person's `municipality`, for the formats that group or list by
    /// place (table, csv, xlsx, html); not in the JSON document, whose
    /// outcome fields SPEC §3 names (its `run.counts.by_area` has the places).
    #[serde(skip)]
    pub municipality: ImmutableString,
    /// The person's `district`, if given; as `municipality`.
    #[serde(skip)]
    pub district: Option<ImmutableString>,
    /// What changed since the person's previous run (issue 17, item 6):
    /// only when screened with a case register (`--db`), absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<crate::change::Change>,
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
    /// Rows of persons.csv: every person has one outcome.
    pub persons: usize,
    /// Rows of events.csv.
    pub events: usize,
    /// Screened persons per level name, levels in order.
    pub by_level: ordered::OrderedCounts,
    /// Persons not screened.
    pub out_of_scope: usize,
    /// Youth crime board candidates.
    pub youth_board: usize,
    /// Concern letters proposed (in this meeting's batch or not).
    pub concern_letters: usize,
    /// Persons for whom a rule failed.
    pub errors: usize,
    /// Entries of the run's `warnings`.
    pub warnings: usize,
    /// Registration flags on the outcomes (`outcome.warnings`), all persons
    /// together.
    pub flags: usize,
    /// Screened persons per level, and proposals, by municipality and
    /// district (issue 18, item 4).
    pub by_area: Vec<AreaCounts>,
    /// Letters in this meeting's batch (the first `batch_size` by rank); not
    /// in the JSON document, whose counts SPEC §3 names.
    #[serde(skip)]
    pub concern_letters_in_batch: usize,
}

/// One place's counts: screened (`proposed`) persons living in a
/// municipality and district, per level, and what is proposed for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaCounts {
    /// The municipality as written in persons.csv.
    pub municipality: ImmutableString,
    /// The district, or `null` for persons without one.
    pub district: Option<ImmutableString>,
    /// Screened persons per level name, levels in order.
    pub by_level: ordered::OrderedCounts,
    /// Youth crime board candidates.
    pub youth_board: usize,
    /// Concern letters proposed.
    pub concern_letters: usize,
    /// Actions proposed (one per kind and person).
    pub actions: usize,
}

impl AreaCounts {
    /// `København / Indre Nørrebro`, or the municipality alone without a
    /// district.
    pub fn place(&self) -> String {
        match &self.district {
            Some(d) => format!("{} / {d}", self.municipality),
            None => self.municipality.to_string(),
        }
    }

    /// Screened persons in the area, every level together.
    pub fn screened(&self) -> usize {
        self.by_level.0.iter().map(|(_, n)| n).sum()
    }
}

/// The run header (SPEC §3 `run`): what was screened, with what, as of when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// tryg's version (Cargo.toml).
    pub tool_version: &'static str,
    /// The day ages and windows were computed against.
    #[serde(serialize_with = "date")]
    pub as_of: Date,
    /// SHA-256 of the rule pack's files (64 hex digits; see `RulePack::digest`).
    pub ruleset_digest: String,
    /// SHA-256 of persons.csv as given (64 hex digits).
    pub persons_digest: String,
    /// SHA-256 of events.csv as given (64 hex digits).
    pub events_digest: String,
    /// The municipalities screened (from tryg.toml, or `--municipality`).
    pub municipalities: Vec<String>,
    /// What the screening found, counted.
    pub counts: Counts,
    /// What a reader of the report should know about the run as a whole, in
    /// this order: `incomplete` when some persons were not screened (a rule
    /// failed for them), then the loader's warnings about the batch
    /// (`Batch::warnings`). Every format shows each one; none changes a
    /// decision or the exit status.
    pub warnings: Vec<crate::load::Warning>,
    /// With a case register (`--db`): what the register said when it was
    /// read; absent without one.
    #[serde(flatten)]
    pub register: Option<RegisterHeader>,
}

/// What a run header carries of the case register (issue 17, items 4 and 6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterHeader {
    /// The chain's head hash when the register was read: 64 lower-case hex
    /// digits (compare it with a head you kept: `tryg review verify --head`).
    pub chain_head: String,
    /// The run the `change` fields compare with; `null` when there is none
    /// (every proposal is then `new`).
    pub previous_run: Option<crate::history::PreviousRun>,
    /// Persons proposed something in the previous run with nothing proposed
    /// now, in its input order.
    pub no_longer_proposed: Vec<crate::change::NoLongerProposed>,
}

/// A whole screening: the run header and one outcome per person, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The run header.
    pub run: Run,
    /// One outcome per person of persons.csv, in its order.
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

pub mod ordered {
    //! Counts by name in a fixed order, serialised as a JSON object, so
    //! `by_level` keeps level order (serde_json's map would sort by name).
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// `(name, count)` pairs in the order they are written.
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

pub(crate) fn date<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
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
