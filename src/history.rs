//! What the case register remembers of each person, as a screening reads it
//! (issue 17, item 5): the meeting's standing decisions, the actions still
//! open from the previous run, and the person's outcome in that run (for the
//! `change` field, [`crate::change`]).
//!
//! A [`History`] is read from the store once, before any person is screened
//! ([`crate::store::Store::feedback`]), and shared read-only by every worker.
//! Rules see it only through questions (`person.decision_on(…)`,
//! `person.open_action(…)`, `person.last_letter_date`; docs/RULES.md), so
//! the memo stays sound: what a rule learns of the register is an answer it
//! asked for. Without a store there is no `History`, and every question
//! answers as for a person the register has never seen: screening is exactly
//! as it was.
//!
//! This module knows nothing of databases: the store fills it, the host reads
//! it.

use std::collections::HashMap;

use crate::change::Side;
use crate::time::Date;

/// What the register holds about the persons of one batch.
#[derive(Debug, Default)]
pub struct History {
    /// The run compared with (the previous meeting), if there is one.
    pub previous: Option<PreviousRun>,
    /// The chain's head hash when the history was read: 64 lower-case hex
    /// digits (carried in the run header, so a store cut short later can be
    /// caught against it).
    pub chain_head: String,
    /// Persons proposed something in the previous run, in its input order:
    /// (person id, level). Includes persons absent from this batch.
    pub previously_proposed: Vec<(String, i64)>,
    persons: Vec<Earlier>,
    by_id: HashMap<String, u32>,
}

/// The previous run: the latest recorded run with an earlier as-of date over
/// the same municipalities, whose outcomes were not purged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreviousRun {
    /// Its run id (`tryg review runs`).
    pub id: i64,
    /// Its as-of date.
    #[serde(serialize_with = "crate::outcome::date")]
    pub as_of: Date,
}

/// What the register holds about one person.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Earlier {
    /// Their outcome in the previous run, when they were in it.
    pub previous: Option<Side>,
    /// Their standing decisions (none replaced by a correction, none dated
    /// after the as-of date), oldest first (chain order).
    pub decisions: Vec<EarlierDecision>,
    /// Actions the previous run proposed that no standing decision has
    /// recorded `done`, closed or rejected since, in the run's order.
    pub open_actions: Vec<OpenAction>,
}

/// One standing decision of the meeting (`tryg review decide`).
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierDecision {
    /// Its place in the chain (`D{seq}` in `tryg review history`).
    pub seq: i64,
    /// The run whose proposal was decided.
    pub run: i64,
    /// What was decided on: `level`, `youth_board`, `letter` or an action kind.
    pub proposal: String,
    /// `accept`, `reject`, `defer`, `done` or `close`.
    pub decision: String,
    /// The day decided; for `done`, the day it was done.
    pub decided_on: Date,
    /// The members who decided, in the order given.
    pub by: Vec<String>,
    /// The agency that carries the case or action (free text), if given.
    pub agency: Option<String>,
    /// The effort (indsats) agreed (free text), if given.
    pub effort: Option<String>,
    /// For a decision on `level`: the level opened or proposed.
    pub level: Option<i64>,
    /// The note for the record (free text), if given.
    pub note: Option<String>,
    /// For an action: its triggering event.
    pub trigger: Option<Trigger>,
}

impl EarlierDecision {
    /// The decision in the words reasons use: `rejected on 2026-10-20 by
    /// Anna, Bo: not now`, `accepted at level 2 on … by … (SSP)`. Names,
    /// agency and note are the meeting's own free text.
    pub fn words(&self) -> String {
        let verb = match self.decision.as_str() {
            "accept" => "accepted",
            "reject" => "rejected",
            "defer" => "deferred",
            "done" => "recorded done",
            "close" => "closed",
            other => other,
        };
        let level = match (self.proposal.as_str(), self.level) {
            ("level", Some(l)) if self.decision == "accept" => format!(" at level {l}"),
            ("level", Some(l)) => format!(" (level {l})"),
            _ => String::new(),
        };
        let by = if self.by.is_empty() {
            String::new()
        } else {
            format!(" by {}", self.by.join(", "))
        };
        let agency = self
            .agency
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        let note = self
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        format!("{verb}{level} on {}{by}{agency}{note}", self.decided_on)
    }
}

/// An action's triggering event as the register keeps it: the latest-dated
/// event the action cited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// Its `event_id` in the export that proposed the action.
    pub id: Option<String>,
    /// Its date.
    pub date: Option<Date>,
    /// Its kind (SPEC §1).
    pub kind: Option<String>,
    /// Its offence code, for the kinds that carry one.
    pub code: Option<String>,
}

impl Trigger {
    /// A trigger from the register's four columns (id, date, kind, code);
    /// `None` when the action had no triggering event.
    pub fn from_columns(
        id: Option<String>,
        date: Option<String>,
        kind: Option<String>,
        code: Option<String>,
    ) -> Option<Trigger> {
        (id.is_some() || date.is_some()).then(|| Trigger {
            id,
            date: date.and_then(|d| d.parse().ok()),
            kind,
            code,
        })
    }

    /// Whether two triggers are the same event: the same id, or, when the id
    /// changed (event ids of a monthly export may change), the same date,
    /// kind and code (issue 17, item 3). Two missing triggers match.
    pub fn same(a: Option<&Trigger>, b: Option<&Trigger>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                (a.id.is_some() && a.id == b.id)
                    || (a.date.is_some()
                        && a.date == b.date
                        && a.kind == b.kind
                        && a.code == b.code)
            }
            _ => false,
        }
    }
}

/// An action of the previous run still open.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAction {
    /// The action's kind (`concern_conversation`, …).
    pub kind: String,
    /// Its deadline as the previous run gave it (kept across runs, so an
    /// action carried from meeting to meeting stays overdue).
    pub due: Option<Date>,
    /// The run that proposed it last.
    pub run: i64,
    /// That run's as-of date.
    pub proposed_on: Date,
    /// Its triggering event.
    pub trigger: Option<Trigger>,
    /// The latest standing decision on it (`accept` or `defer`), if any.
    pub decision: Option<u32>,
}

impl History {
    /// A history with nothing in it yet: `previous` and `chain_head` as read.
    pub fn new(previous: Option<PreviousRun>, chain_head: String) -> History {
        History {
            previous,
            chain_head,
            ..History::default()
        }
    }

    /// The person's entry, made empty if new.
    pub fn entry(&mut self, person: &str) -> &mut Earlier {
        let next = self.persons.len() as u32;
        let at = *self.by_id.entry(person.to_string()).or_insert(next);
        if at == next {
            self.persons.push(Earlier::default());
        }
        &mut self.persons[at as usize]
    }

    /// Where the person's entry is, if the register holds anything of them.
    pub fn find(&self, person: &str) -> Option<u32> {
        self.by_id.get(person).copied()
    }

    /// An entry by the number [`History::find`] gave.
    pub fn get(&self, at: u32) -> &Earlier {
        &self.persons[at as usize]
    }
}

impl Earlier {
    /// The latest standing decision on `proposal` (`level`, `youth_board`,
    /// `letter` or an action kind), its index in `decisions`.
    pub fn decision_on(&self, proposal: &str) -> Option<u32> {
        self.decisions
            .iter()
            .rposition(|d| d.proposal == proposal)
            .map(|i| i as u32)
    }

    /// The latest day a letter was recorded `done`.
    pub fn letter_done(&self) -> Option<Date> {
        self.decisions
            .iter()
            .filter(|d| d.proposal == "letter" && d.decision == "done")
            .map(|d| d.decided_on)
            .max()
    }

    /// The open action of `kind`, its index in `open_actions`.
    pub fn open_action(&self, kind: &str) -> Option<u32> {
        self.open_actions
            .iter()
            .position(|a| a.kind == kind)
            .map(|i| i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn decision(proposal: &str, decision: &str, on: &str) -> EarlierDecision {
        EarlierDecision {
            seq: 1,
            run: 1,
            proposal: proposal.into(),
            decision: decision.into(),
            decided_on: d(on),
            by: vec!["Anna".into(), "Bo".into()],
            agency: None,
            effort: None,
            level: None,
            note: Some("not now".into()),
            trigger: None,
        }
    }

    #[test]
    fn words_say_what_was_decided_when_and_by_whom() {
        assert_eq!(
            decision("letter", "reject", "2026-10-20").words(),
            "rejected on 2026-10-20 by Anna, Bo: not now"
        );
        let mut level = decision("level", "accept", "2026-10-20");
        level.level = Some(2);
        level.note = None;
        level.agency = Some("SSP".into());
        assert_eq!(
            level.words(),
            "accepted at level 2 on 2026-10-20 by Anna, Bo (SSP)"
        );
    }

    #[test]
    fn the_latest_letter_done_and_the_latest_decision_on_a_proposal() {
        let mut e = Earlier::default();
        e.decisions.push(decision("letter", "done", "2026-03-01"));
        e.decisions.push(decision("letter", "reject", "2026-09-01"));
        e.decisions.push(decision("letter", "done", "2026-06-01"));
        assert_eq!(e.letter_done(), Some(d("2026-06-01")));
        assert_eq!(e.decision_on("letter"), Some(2));
        assert_eq!(e.decision_on("level"), None);
    }

    #[test]
    fn a_trigger_matches_by_id_or_by_what_the_event_was() {
        let t = |id: &str, date: &str| Trigger {
            id: Some(id.into()),
            date: Some(d(date)),
            kind: Some("charge".into()),
            code: Some("73241".into()),
        };
        assert!(Trigger::same(
            Some(&t("E1", "2026-11-01")),
            Some(&t("E1", "2026-11-01"))
        ));
        assert!(Trigger::same(
            Some(&t("E1", "2026-11-01")),
            Some(&t("X9", "2026-11-01"))
        ));
        assert!(!Trigger::same(
            Some(&t("E1", "2026-11-01")),
            Some(&t("E2", "2026-11-02"))
        ));
        assert!(Trigger::same(None, None));
        assert!(!Trigger::same(Some(&t("E1", "2026-11-01")), None));
    }
}
