//! Reading the register: runs, the agenda of pending proposals, one person's
//! history, the decisions for export, the chain for verification, and the
//! lookups a later screening needs (the person's previous outcome, their
//! decisions by kind).

use std::collections::HashSet;

use super::backend::{Mode, Row, Tx, Value};
use super::chain::{self, Content, Entry, Problem, Stored};
use super::decide::run_of;
use super::{Store, StoreError};
use crate::history::Trigger;

/// A recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The run's id (`--run`), given by the database when the run was
    /// recorded: 1 for the first, rising.
    pub id: i64,
    /// When it was recorded: RFC 3339, UTC, to the second.
    pub recorded_at: String,
    /// The version of the tryg that screened and recorded it (Cargo.toml).
    pub tool_version: String,
    /// The as-of date of the screening, `YYYY-MM-DD`.
    pub as_of: String,
    /// SHA-256 of the rule pack's files, 64 lower-case hex digits (see
    /// `RulePack::digest`); the files themselves are in `run_files`.
    pub ruleset_digest: String,
    /// SHA-256 of persons.csv as given, 64 lower-case hex digits.
    pub persons_digest: String,
    /// SHA-256 of events.csv as given, 64 lower-case hex digits.
    pub events_digest: String,
    /// The municipalities screened, in the order the run had them.
    pub municipalities: Vec<String>,
    /// How many outcomes were recorded (one per person of the batch); kept
    /// when a purge drops the outcomes themselves.
    pub outcomes: i64,
    /// The chain's head hash when the run was recorded.
    pub chain_head: String,
    /// When retention dropped its outcomes.
    pub purged_on: Option<String>,
}

pub(crate) const RUN_COLUMNS: &str =
    "id, recorded_at, tool_version, as_of, ruleset_digest, persons_digest,
    events_digest, municipalities, outcome_count, chain_head, purged_on";

pub(crate) fn run_info(row: &Row) -> RunInfo {
    RunInfo {
        id: row.int(0).unwrap_or(0),
        recorded_at: row.text(1).unwrap_or_default(),
        tool_version: row.text(2).unwrap_or_default(),
        as_of: row.text(3).unwrap_or_default(),
        ruleset_digest: row.text(4).unwrap_or_default(),
        persons_digest: row.text(5).unwrap_or_default(),
        events_digest: row.text(6).unwrap_or_default(),
        municipalities: row
            .text(7)
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        outcomes: row.int(8).unwrap_or(0),
        chain_head: row.text(9).unwrap_or_default(),
        purged_on: row.text(10),
    }
}

/// A decision as stored (payload present).
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    /// The decision id (`D{seq}`).
    pub seq: i64,
    /// The run whose proposal was decided (tryg always records one).
    pub run_id: Option<i64>,
    /// The pseudonymous person id.
    pub person_id: String,
    /// What was decided on: `level`, `youth_board`, `letter` or an action
    /// kind.
    pub proposal: String,
    /// `accept`, `reject`, `defer`, `done` or `close`.
    pub decision: String,
    /// The members who decided, in the order given.
    pub by: Vec<String>,
    /// The agency that carries the case or action, free text.
    pub agency: Option<String>,
    /// The effort (indsats) agreed, free text.
    pub effort: Option<String>,
    /// For a decision on `level`: the level opened (`accept`) or proposed
    /// (`reject`, `defer`); none for `close` (see [`Content::level`]).
    pub level: Option<i64>,
    /// The note for the record, free text.
    pub note: Option<String>,
    /// The day decided, `YYYY-MM-DD` (for `done`: the day done).
    pub decided_on: String,
    /// The seq of the decision this one corrects.
    pub replaces: Option<i64>,
    /// The later decision that corrects this one, if any.
    pub replaced_by: Option<i64>,
    /// For an action: the triggering event's `event_id` (see
    /// [`Content::event_id`]).
    pub event_id: Option<String>,
    /// For an action: the triggering event's date, `YYYY-MM-DD`.
    pub event_date: Option<String>,
    /// For an action: the triggering event's kind (SPEC §1).
    pub event_kind: Option<String>,
    /// For an action: the triggering event's offence code, if it has one.
    pub event_code: Option<String>,
    /// When tryg recorded it: RFC 3339, UTC, to the second.
    pub recorded_at: String,
    /// The entry's hash in the chain, 64 lower-case hex digits.
    pub hash: String,
}

pub(crate) const DECISION_COLUMNS: &str = "d.seq, d.run_id, d.person_id, d.proposal, d.decision,
    d.decided_by, d.agency, d.effort, d.level, d.note, d.decided_on, d.replaces,
    (SELECT MIN(r.seq) FROM decisions r WHERE r.replaces = d.seq),
    d.event_id, d.event_date, d.event_kind, d.event_code, d.recorded_at, d.hash";

pub(crate) fn decision_row(row: &Row) -> DecisionRow {
    DecisionRow {
        seq: row.int(0).unwrap_or(0),
        run_id: row.int(1),
        person_id: row.text(2).unwrap_or_default(),
        proposal: row.text(3).unwrap_or_default(),
        decision: row.text(4).unwrap_or_default(),
        by: names(row.text(5)),
        agency: row.text(6),
        effort: row.text(7),
        level: row.int(8),
        note: row.text(9),
        decided_on: row.text(10).unwrap_or_default(),
        replaces: row.int(11),
        replaced_by: row.int(12),
        event_id: row.text(13),
        event_date: row.text(14),
        event_kind: row.text(15),
        event_code: row.text(16),
        recorded_at: row.text(17).unwrap_or_default(),
        hash: row.text(18).unwrap_or_default(),
    }
}

/// `decided_by` as stored (a JSON array); text that is not one is kept as a
/// single name, so an edit outside tryg shows in `verify`.
fn names(text: Option<String>) -> Vec<String> {
    match text {
        None => Vec::new(),
        Some(t) => serde_json::from_str(&t).unwrap_or_else(|_| vec![t]),
    }
}

/// Where a pending proposal stands on the meeting's agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// This meeting's concern letters, by rank.
    Letters,
    /// Youth-board candidates.
    YouthBoard,
    /// Actions past their due date, oldest first.
    Overdue,
    /// Everything else: levels (highest first), letters outside this
    /// meeting's batch, actions not yet due.
    Rest,
}

/// One pending proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Where it stands on the agenda.
    pub section: Section,
    /// The pseudonymous person id.
    pub person_id: String,
    /// `level`, `youth_board`, `letter` or an action kind (`--on`).
    pub proposal: String,
    /// What is proposed, in a few words: `level 3`, `#2 this meeting`,
    /// `secretariat (listed)`, `due 2026-11-06, overdue`.
    pub what: String,
    /// Whether a decision deferred it.
    pub deferred: bool,
}

/// The pending proposals of a run, in agenda order.
#[derive(Debug, Clone, PartialEq)]
pub struct Agenda {
    /// The run whose proposals these are.
    pub run: RunInfo,
    /// The pending proposals, by [`Section`]; within one, levels highest
    /// first, then letters by rank, then actions by due date (none last),
    /// ties in input order. Empty when nothing is pending.
    pub items: Vec<Pending>,
}

/// One thing in a person's history.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryItem {
    /// The person's outcome in a run: the run, and the SPEC §3 JSON.
    Outcome {
        /// The run.
        run: RunInfo,
        /// The person's outcome in it, as stored (SPEC §3 OUTCOME); `null`
        /// if the stored document does not parse.
        outcome: serde_json::Value,
    },
    /// A decision on the person whose content is kept.
    Decision(DecisionRow),
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// Entries in the chain.
    pub entries: i64,
    /// The hash of the last entry held, 64 lower-case hex digits
    /// ([`chain::GENESIS`] when there is none).
    pub head: String,
    /// What is wrong, in the order found; empty when the chain verifies.
    pub problems: Vec<Problem>,
}

impl Store {
    /// Every run, oldest first.
    pub fn runs(&mut self) -> Result<Vec<RunInfo>, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let rows = tx.query(&format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY id"), &[])?;
        Ok(rows.iter().map(run_info).collect())
    }

    /// The store's retention period in months.
    pub fn retention_months(&mut self) -> Result<u32, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        retention_months(&mut *tx)
    }

    /// The pending proposals of `run` (default: the latest) in agenda order.
    ///
    /// A proposal is pending until a decision on it in this run stands (one
    /// not replaced) other than `defer`. An action is also settled by a
    /// standing `done` in an earlier run on the same action: same person and
    /// kind, and the same triggering event (the same id, or the same date,
    /// kind and offence code when the export gave it a new id).
    pub fn agenda(&mut self, run: Option<i64>) -> Result<Agenda, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let run = run_of(&mut *tx, run)?.id;
        let info = run_info(
            tx.query(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1"),
                &[Value::from(run)],
            )?
            .first()
            .ok_or(StoreError::NoSuchRun(run))?,
        );
        let standing = "NOT EXISTS (SELECT 1 FROM decisions r WHERE r.replaces = d.seq)";
        let mut settled = HashSet::new();
        let mut deferred = HashSet::new();
        for row in tx.query(
            &format!(
                "SELECT d.person_id, d.proposal, d.decision FROM decisions d
                 WHERE d.entry = 'decision' AND d.run_id = $1 AND {standing}"
            ),
            &[Value::from(run)],
        )? {
            let key = (
                row.text(0).unwrap_or_default(),
                row.text(1).unwrap_or_default(),
            );
            if row.text(2).as_deref() == Some("defer") {
                deferred.insert(key);
            } else {
                settled.insert(key);
            }
        }
        let done_before = tx.query(
            &format!(
                "SELECT d.person_id, d.proposal, d.event_id, d.event_date, d.event_kind, d.event_code
                 FROM decisions d
                 WHERE d.entry = 'decision' AND d.decision = 'done' AND d.run_id <> $1
                   AND d.proposal NOT IN ('level', 'youth_board', 'letter') AND {standing}"
            ),
            &[Value::from(run)],
        )?;
        let mut items = Vec::new();
        let outcomes = tx.query(
            "SELECT person_id, position, level, youth_board_route, youth_board_limb, letter_rank,
                 letter_in_batch
             FROM outcomes WHERE run_id = $1 AND proposed = 1 ORDER BY position",
            &[Value::from(run)],
        )?;
        let positions: std::collections::HashMap<String, i64> = outcomes
            .iter()
            .map(|r| (r.text(0).unwrap_or_default(), r.int(1).unwrap_or(0)))
            .collect();
        for row in &outcomes {
            let person = row.text(0).unwrap_or_default();
            let position = row.int(1).unwrap_or(0);
            let level = row.int(2).unwrap_or(0);
            if level > 0 {
                items.push((
                    (Section::Rest, 0, -level, String::new(), position),
                    Pending {
                        section: Section::Rest,
                        person_id: person.clone(),
                        proposal: "level".into(),
                        what: format!("level {level}"),
                        deferred: false,
                    },
                ));
            }
            if let Some(route) = row.text(3) {
                let limb = row.text(4).unwrap_or_default();
                items.push((
                    (Section::YouthBoard, 0, 0, String::new(), position),
                    Pending {
                        section: Section::YouthBoard,
                        person_id: person.clone(),
                        proposal: "youth_board".into(),
                        what: format!("{route} ({limb})"),
                        deferred: false,
                    },
                ));
            }
            if let Some(rank) = row.int(5) {
                let this_meeting = row.int(6) == Some(1);
                let section = if this_meeting {
                    Section::Letters
                } else {
                    Section::Rest
                };
                items.push((
                    (section, 1, rank, String::new(), position),
                    Pending {
                        section,
                        person_id: person.clone(),
                        proposal: "letter".into(),
                        what: if this_meeting {
                            format!("#{rank} this meeting")
                        } else {
                            format!("#{rank}, outside this meeting's batch")
                        },
                        deferred: false,
                    },
                ));
            }
        }
        for row in tx.query(
            "SELECT person_id, kind, due, overdue, event_id, event_date, event_kind, event_code
             FROM actions WHERE run_id = $1",
            &[Value::from(run)],
        )? {
            let person = row.text(0).unwrap_or_default();
            let kind = row.text(1).unwrap_or_default();
            let done = done_before.iter().any(|d| {
                d.text(0).as_deref() == Some(person.as_str())
                    && d.text(1).as_deref() == Some(kind.as_str())
                    && Trigger::same(
                        Trigger::from_columns(row.text(4), row.text(5), row.text(6), row.text(7))
                            .as_ref(),
                        Trigger::from_columns(d.text(2), d.text(3), d.text(4), d.text(5)).as_ref(),
                    )
            });
            if done {
                continue;
            }
            let due = row.text(2);
            let overdue = row.int(3) == Some(1);
            let section = if overdue {
                Section::Overdue
            } else {
                Section::Rest
            };
            let what = match &due {
                Some(d) if overdue => format!("due {d}, overdue"),
                Some(d) => format!("due {d}"),
                None => "no due date".to_string(),
            };
            let position = positions.get(&person).copied().unwrap_or(0);
            items.push((
                (
                    section,
                    2,
                    0,
                    due.unwrap_or_else(|| "9999".into()),
                    position,
                ),
                Pending {
                    section,
                    person_id: person,
                    proposal: kind,
                    what,
                    deferred: false,
                },
            ));
        }
        for (_, item) in &mut items {
            let key = (item.person_id.clone(), item.proposal.clone());
            item.deferred = deferred.contains(&key);
        }
        items.retain(|(_, item)| {
            !settled.contains(&(item.person_id.clone(), item.proposal.clone()))
        });
        items.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Agenda {
            run: info,
            items: items.into_iter().map(|(_, item)| item).collect(),
        })
    }

    /// A person id the store holds outcomes for that differs from `person`
    /// only by ASCII case (`a001` for `A001`), if there is one: what a
    /// command suggests when `person` has none.
    pub fn similar_person(&mut self, person: &str) -> Result<Option<String>, StoreError> {
        super::check_person_id(person)?;
        let mut tx = self.backend().begin(Mode::Read)?;
        let rows = tx.query(
            "SELECT DISTINCT person_id FROM outcomes
             WHERE lower(person_id) = lower($1) AND person_id <> $1 ORDER BY person_id",
            &[Value::from(person)],
        )?;
        Ok(rows.first().and_then(|r| r.text(0)))
    }

    /// Every outcome and decision of one person, oldest first (by when they
    /// were recorded). Empty when the store has none (or they were erased).
    pub fn history(&mut self, person: &str) -> Result<Vec<HistoryItem>, StoreError> {
        super::check_person_id(person)?;
        let mut tx = self.backend().begin(Mode::Read)?;
        let mut items: Vec<(String, i64, HistoryItem)> = Vec::new();
        let runs = tx.query(
            &format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE id IN
                 (SELECT run_id FROM outcomes WHERE person_id = $1) ORDER BY id"
            ),
            &[Value::from(person)],
        )?;
        for run in runs.iter().map(run_info) {
            let doc = tx.query(
                "SELECT document FROM outcomes WHERE person_id = $1 AND run_id = $2",
                &[Value::from(person), Value::from(run.id)],
            )?;
            let outcome = doc
                .first()
                .and_then(|r| r.text(0))
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(serde_json::Value::Null);
            items.push((
                run.recorded_at.clone(),
                0,
                HistoryItem::Outcome { run, outcome },
            ));
        }
        for d in decisions_of(&mut *tx, person, None)? {
            items.push((d.recorded_at.clone(), d.seq, HistoryItem::Decision(d)));
        }
        items.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        Ok(items.into_iter().map(|(_, _, item)| item).collect())
    }

    /// Every decision whose content is kept, in chain order, and the head.
    pub fn export(&mut self) -> Result<(Vec<DecisionRow>, String), StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let rows = tx.query(
            &format!(
                "SELECT {DECISION_COLUMNS} FROM decisions d
                 WHERE d.entry = 'decision' AND d.salt IS NOT NULL ORDER BY d.seq"
            ),
            &[],
        )?;
        let head = super::head(&mut *tx)?;
        Ok((rows.iter().map(decision_row).collect(), head))
    }

    /// Checks the whole chain (see [`chain::verify`]); `head` is a head hash
    /// the user kept from earlier.
    pub fn verify(&mut self, head: Option<&str>) -> Result<Verification, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let appended = tx
            .query("SELECT appended FROM chain_lock WHERE id = 1", &[])?
            .first()
            .and_then(|r| r.int(0))
            .unwrap_or(0);
        let rows = tx.query(
            "SELECT seq, entry, prev_hash, content_digest, hash, salt, dropped_by, recorded_at,
                 run_id, person_id, proposal, decision, decided_by, agency, effort, level, note,
                 decided_on, replaces, event_id, event_date, event_kind, event_code, detail
             FROM decisions ORDER BY seq",
            &[],
        )?;
        let stored: Vec<Stored> = rows.iter().map(stored).collect();
        let problems = chain::verify(&stored, appended, head);
        Ok(Verification {
            entries: stored.len() as i64,
            head: stored
                .last()
                .map_or_else(|| chain::GENESIS.to_string(), |s| s.hash.clone()),
            problems,
        })
    }

    /// The latest run before `as_of` over the same municipalities (in any
    /// order): the run a new screening compares with (issue 17, item 6).
    pub fn previous_run(
        &mut self,
        as_of: crate::time::Date,
        municipalities: &[String],
    ) -> Result<Option<RunInfo>, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let rows = tx.query(
            &format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE scope_key = $1 AND as_of < $2
                 AND purged_on IS NULL ORDER BY as_of DESC, id DESC LIMIT 1"
            ),
            &[
                Value::from(super::record::scope_key(municipalities)),
                Value::from(as_of.format("%Y-%m-%d").to_string()),
            ],
        )?;
        Ok(rows.first().map(run_info))
    }

    /// A person's outcome in a run, as SPEC §3 JSON text.
    pub fn outcome_json(&mut self, run: i64, person: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        Ok(tx
            .query(
                "SELECT document FROM outcomes WHERE person_id = $1 AND run_id = $2",
                &[Value::from(person), Value::from(run)],
            )?
            .first()
            .and_then(|r| r.text(0)))
    }

    /// A person's decisions (on `proposal`, or all), in chain order, each
    /// with the decision that replaced it if any (issue 17, item 5).
    pub fn decisions_of(
        &mut self,
        person: &str,
        proposal: Option<&str>,
    ) -> Result<Vec<DecisionRow>, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        decisions_of(&mut *tx, person, proposal)
    }
}

fn decisions_of(
    tx: &mut dyn Tx,
    person: &str,
    proposal: Option<&str>,
) -> Result<Vec<DecisionRow>, StoreError> {
    let rows = match proposal {
        Some(p) => tx.query(
            &format!(
                "SELECT {DECISION_COLUMNS} FROM decisions d WHERE d.entry = 'decision'
                 AND d.person_id = $1 AND d.proposal = $2 ORDER BY d.seq"
            ),
            &[Value::from(person), Value::from(p)],
        )?,
        None => tx.query(
            &format!(
                "SELECT {DECISION_COLUMNS} FROM decisions d WHERE d.entry = 'decision'
                 AND d.person_id = $1 ORDER BY d.seq"
            ),
            &[Value::from(person)],
        )?,
    };
    Ok(rows.iter().map(decision_row).collect())
}

pub(crate) fn retention_months(tx: &mut dyn Tx) -> Result<u32, StoreError> {
    let value = tx
        .query(
            "SELECT value FROM settings WHERE key = 'retention_months'",
            &[],
        )?
        .first()
        .and_then(|r| r.text(0));
    value
        .as_deref()
        .unwrap_or("60")
        .parse()
        .map_err(|_| StoreError::Corrupt("settings.retention_months is not a number".into()))
}

fn stored(row: &Row) -> Stored {
    let entry = row.text(1).unwrap_or_default();
    let payload = row.text(5).map(|salt| {
        (
            salt,
            Content {
                recorded_at: row.text(7).unwrap_or_default(),
                run_id: row.int(8),
                person_id: row.text(9),
                proposal: row.text(10),
                decision: row.text(11),
                decided_by: names(row.text(12)),
                agency: row.text(13),
                effort: row.text(14),
                level: row.int(15),
                note: row.text(16),
                decided_on: row.text(17),
                replaces: row.int(18),
                event_id: row.text(19),
                event_date: row.text(20),
                event_kind: row.text(21),
                event_code: row.text(22),
                detail: row.text(23),
            },
        )
    });
    let drops = match Entry::parse(&entry) {
        Some(Entry::Erasure | Entry::Purge) => row
            .text(23)
            .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
            .and_then(|d| {
                d["entries"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_i64()).collect())
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Stored {
        seq: row.int(0).unwrap_or(0),
        entry,
        prev_hash: row.text(2).unwrap_or_default(),
        content_digest: row.text(3).unwrap_or_default(),
        hash: row.text(4).unwrap_or_default(),
        payload,
        dropped_by: row.int(6),
        drops,
    }
}
