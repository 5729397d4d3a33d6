//! From an [`Outcome`] to the rows the store keeps of it: the whole outcome as
//! its SPEC §3 JSON, plus the typed columns the register queries on.
//!
//! **This is the one place that reads an `Outcome`'s fields for the store.**
//! When the outcome's shape changes (typed proposals), [`OutcomeRow::of`] is
//! what changes; the SQL and everything above it read only these rows.

use crate::outcome::{Outcome, Status};
use crate::time::Date;

/// What the register keeps of an event an action rests on, so the same action
/// can be recognised in a later run even when a monthly export gave the event
/// a new id (SPEC §1 fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    /// The event's `event_id` in events.csv.
    pub id: String,
    /// The event's date.
    pub date: Date,
    /// `suspicion`, `charge`, … (SPEC §1 `kind`).
    pub kind: String,
    /// The offence code, for events that have one.
    pub code: Option<String>,
}

/// One outcome as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    /// 0-based place in the batch (input order).
    pub position: i64,
    /// The pseudonymous id from persons.csv.
    pub person_id: String,
    /// `proposed`, `out_of_scope` or `error`.
    pub status: &'static str,
    /// The outcome's level: 0 to the scheme's highest (3 by default); 0 for
    /// anyone not screened.
    pub level: i64,
    /// Whether anything is proposed: a level above 0, a candidacy, a letter
    /// or an action (what `review list` considers).
    pub proposed: bool,
    /// For a youth-board candidate: `secretariat` or `prosecution`.
    pub youth_board_route: Option<String>,
    /// For a youth-board candidate: `listed` or `serious_with_risk`.
    pub youth_board_limb: Option<String>,
    /// For a concern letter: its 1-based rank among all the batch's letter
    /// proposals (priority, then person id).
    pub letter_rank: Option<i64>,
    /// For a concern letter: whether it is among the first `batch_size`,
    /// proposed for this coordination meeting.
    pub letter_in_batch: Option<bool>,
    /// The outcome as SPEC §3 JSON (compact).
    pub document: String,
    /// The proposed actions, in the outcome's order.
    pub actions: Vec<ActionRow>,
    /// Where the person lives and what the period report counts of their
    /// registration (persons.csv, not the outcome): set by the caller that
    /// has the batch ([`OutcomeRow::with_person`]); `None` leaves the columns
    /// `NULL`.
    pub person: Option<PersonFacts>,
}

/// What the register keeps of a person's row of persons.csv beside the
/// outcome (schema version 2): the period report's breakdowns
/// (municipality, district) and its custody share (gang registration,
/// custody). Values as SPEC §1 spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    /// `municipality` of residence, as written (at most 80 characters).
    pub municipality: String,
    /// `district`, when given (at most 80 characters).
    pub district: Option<String>,
    /// `gang_affiliation`: `none`, `peripheral`, `bubbler` or `core`.
    pub gang_affiliation: String,
    /// `in_custody` on the as-of date.
    pub in_custody: bool,
}

impl PersonFacts {
    /// The facts kept of `person`.
    pub fn of(person: &crate::person::Person) -> PersonFacts {
        PersonFacts {
            municipality: person.municipality.to_string(),
            district: person.district.as_ref().map(|d| d.to_string()),
            gang_affiliation: person.gang_affiliation.as_str().to_string(),
            in_custody: person.in_custody,
        }
    }
}

/// One proposed action as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    /// The rule pack's token: `network_council`, `concern_conversation`, …
    pub kind: String,
    /// `YYYY-MM-DD`, or none.
    pub due: Option<String>,
    /// The run's as-of date is after `due`.
    pub overdue: bool,
    /// The triggering event: the latest-dated event among the action's
    /// evidence (its due date is counted from it), if it has evidence.
    pub trigger: Option<EventFacts>,
}

impl OutcomeRow {
    /// The rows of `outcome`, the person at `position` of the batch. `facts`
    /// looks up an evidence event of this person by id.
    pub fn of(
        outcome: &Outcome,
        position: usize,
        facts: &dyn Fn(&str) -> Option<EventFacts>,
    ) -> OutcomeRow {
        let proposed = outcome.status == Status::Proposed && outcome.has_proposal();
        let actions = outcome
            .actions
            .iter()
            .map(|action| {
                let trigger = action
                    .reasons
                    .iter()
                    .flat_map(|r| r.evidence.iter())
                    .filter_map(|id| facts(id))
                    .fold(None::<EventFacts>, |latest, e| match latest {
                        Some(l) if l.date > e.date => Some(l),
                        _ => Some(e),
                    });
                ActionRow {
                    kind: action.kind.to_string(),
                    due: action.due.map(|d| d.format("%Y-%m-%d").to_string()),
                    overdue: action.overdue,
                    trigger,
                }
            })
            .collect();
        OutcomeRow {
            position: position as i64,
            person_id: outcome.person_id.to_string(),
            status: outcome.status.as_str(),
            level: i64::from(outcome.level),
            proposed,
            youth_board_route: outcome.youth_board.as_ref().map(|y| y.route.to_string()),
            youth_board_limb: outcome.youth_board.as_ref().map(|y| y.limb.to_string()),
            letter_rank: outcome.concern_letter.as_ref().map(|l| l.rank as i64),
            letter_in_batch: outcome.concern_letter.as_ref().map(|l| l.in_batch),
            // An outcome is plain data; serialising it cannot fail.
            document: serde_json::to_string(outcome).expect("an outcome serialises"),
            actions,
            person: None,
        }
    }

    /// The same rows with the person's facts (see [`PersonFacts`]).
    pub fn with_person(mut self, facts: PersonFacts) -> OutcomeRow {
        self.person = Some(facts);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Action, Reason};

    fn reason(evidence: &[&str]) -> Reason {
        Reason {
            rule: "network_council".into(),
            line: 4,
            proposal: crate::proposal::Proposal::Action {
                kind: "network_council".into(),
                due: None,
            },
            text: "t".into(),
            evidence: evidence.iter().map(|e| (*e).into()).collect(),
        }
    }

    #[test]
    fn an_action_is_keyed_on_its_latest_evidence_event() {
        let date = |d: &str| crate::time::parse_date(d).unwrap();
        let outcome = Outcome {
            person_id: "P1".into(),
            status: Status::Proposed,
            age: Some(15),
            level: 2,
            level_name: "crime".into(),
            forum: "SSP".into(),
            youth_board: None,
            concern_letter: None,
            actions: vec![Action {
                kind: "network_council".into(),
                due: Some(date("2026-11-27")),
                overdue: false,
                reasons: vec![reason(&["E1", "E2", "E3"])],
            }],
            explanation: Vec::new(),
            error: None,
            warnings: Vec::new(),
            municipality: "København".into(),
            district: None,
            change: None,
        };
        let facts = |id: &str| {
            let d = match id {
                "E1" => "2026-11-01",
                "E2" => "2026-11-20",
                "E3" => "2026-11-10",
                _ => return None,
            };
            Some(EventFacts {
                id: id.into(),
                date: date(d),
                kind: "charge".into(),
                code: Some("73241".into()),
            })
        };
        let row = OutcomeRow::of(&outcome, 7, &facts);
        assert!(row.proposed);
        assert_eq!(row.position, 7);
        assert_eq!(row.actions[0].trigger.as_ref().unwrap().id, "E2");
        assert_eq!(row.actions[0].due.as_deref(), Some("2026-11-27"));
        let back: serde_json::Value = serde_json::from_str(&row.document).unwrap();
        assert_eq!(back["actions"][0]["kind"], "network_council");
    }
}
