//! Decisions: checked against what the run proposed, then appended to the
//! chain. Nothing is updated in place; a correction is a new decision that
//! names the one it replaces.
//!
//! What may be decided on what:
//!
//! | `--on` | `accept` | `reject` | `defer` | `done` | `close` |
//! |---|---|---|---|---|---|
//! | `level` | opens the case (at the proposed level, or `--level N`) | yes | yes | – | ends the case |
//! | `youth_board` | refers the candidate | yes | yes | – | – |
//! | `letter` | yes | yes | yes | the letter was sent | – |
//! | an action kind | yes | yes | yes | the action was held | – |
//!
//! The run must have made the proposal (`close` on a level also when the
//! person has a case open from an earlier accept).

use super::backend::{Mode, Tx, Value};
use super::chain::{self, Content, Entry};
use super::{Store, StoreError};
use crate::time::Date;

/// What the meeting decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Decision {
    /// Take the proposal on (for a level: open the case).
    Accept,
    /// Turn it down.
    Reject,
    /// Put it off to a later meeting (it stays on the agenda).
    Defer,
    /// The letter was sent, the action held (`--date` is the day).
    Done,
    /// End a case (on `level`).
    Close,
}

impl Decision {
    /// The token in the `decision` column, the chain and the export:
    /// `accept`, `reject`, `defer`, `done` or `close`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
            Decision::Defer => "defer",
            Decision::Done => "done",
            Decision::Close => "close",
        }
    }
}

/// A decision to record (`tryg review decide`).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The pseudonymous person id; refused ([`StoreError::BadPersonId`],
    /// [`StoreError::CprLike`]) unless 1–64 characters of `A-Z a-z 0-9 _ -`
    /// that do not look like a CPR number.
    pub person_id: String,
    /// The run whose proposal is decided; `None` for the latest run.
    pub run: Option<i64>,
    /// `level`, `youth_board`, `letter` or an action kind: 1–64 characters
    /// of `a-z` and `_`, else refused.
    pub proposal: String,
    /// What the meeting decided; which decisions apply to which proposal is
    /// the table in this module's documentation.
    pub decision: Decision,
    /// Who decided: at least one name (the meeting decides jointly). Each is
    /// trimmed and blank ones are dropped; all blank is refused.
    pub by: Vec<String>,
    /// The agency that carries the case or action, free text.
    pub agency: Option<String>,
    /// The effort (indsats) agreed, free text.
    pub effort: Option<String>,
    /// For `accept` on `level`: the level the meeting chose instead, 1 to the
    /// run's highest level. Refused with any other `--on` or decision.
    pub level: Option<u8>,
    /// A note for the record, free text.
    pub note: Option<String>,
    /// The day decided (for `done`: the day done). Not after `today`.
    pub date: Date,
    /// The decision this one corrects (its id, the `N` of `DN`).
    pub replaces: Option<i64>,
}

/// A decision recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The decision's id (shown as `D{seq}`).
    pub seq: i64,
    /// The run decided on (the latest, when the request named none).
    pub run_id: i64,
    /// The chain's new head hash.
    pub head: String,
}

const FIXED: &[&str] = &["level", "youth_board", "letter"];

impl Store {
    /// Checks `request` against the run's proposals and appends it to the
    /// chain, in one transaction. `today` bounds `--date`.
    pub fn decide(&mut self, request: &Request, today: Date) -> Result<Appended, StoreError> {
        super::check_person_id(&request.person_id)?;
        let proposal = request.proposal.as_str();
        if proposal.is_empty()
            || proposal.len() > 64
            || !proposal
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            return Err(StoreError::Refused(
                "--on takes level, youth_board, letter or an action kind such as network_council"
                    .into(),
            ));
        }
        check_allowed(proposal, request.decision)?;
        if request.by.iter().all(|b| b.trim().is_empty()) {
            return Err(StoreError::Refused(
                "--by names who decided (repeat it for each member)".into(),
            ));
        }
        if request.date > today {
            return Err(StoreError::Refused(format!(
                "--date {} is after today: a decision is recorded on or after the day it was made",
                request.date
            )));
        }
        if request.level.is_some() && (proposal != "level" || request.decision != Decision::Accept)
        {
            return Err(StoreError::Refused(
                "--level goes with --on level --decision accept".into(),
            ));
        }

        let mut tx = self.backend().begin(Mode::Write)?;
        lock(&mut *tx)?;
        let run = run_of(&mut *tx, request.run)?;
        let person = &request.person_id;
        let outcome = tx.query(
            "SELECT status, level, youth_board_route, letter_rank FROM outcomes
             WHERE person_id = $1 AND run_id = $2",
            &[Value::from(person.as_str()), Value::from(run.id)],
        )?;
        let Some(outcome) = outcome.first() else {
            return Err(StoreError::NoOutcome {
                run: run.id,
                person: person.clone(),
            });
        };
        let not_proposed = |why: String| StoreError::NotProposed {
            run: run.id,
            person: person.clone(),
            proposal: proposal.to_string(),
            why,
        };
        let status = outcome.text(0).unwrap_or_default();
        let proposed_level = outcome.int(1).unwrap_or(0);
        let mut content = Content {
            recorded_at: super::now(),
            run_id: Some(run.id),
            person_id: Some(person.clone()),
            proposal: Some(proposal.to_string()),
            decision: Some(request.decision.as_str().to_string()),
            decided_by: request
                .by
                .iter()
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty())
                .collect(),
            agency: request.agency.clone(),
            effort: request.effort.clone(),
            level: None,
            note: request.note.clone(),
            decided_on: Some(request.date.format("%Y-%m-%d").to_string()),
            replaces: request.replaces,
            ..Content::default()
        };
        if status != "proposed" && !(proposal == "level" && request.decision == Decision::Close) {
            return Err(not_proposed(format!("the outcome is {status}")));
        }
        match proposal {
            "level" => {
                let open = open_case(&mut *tx, person)?;
                match request.decision {
                    Decision::Close if proposed_level == 0 && open.is_none() => {
                        return Err(not_proposed("level 0, and no case is open to close".into()));
                    }
                    Decision::Close => {}
                    _ if proposed_level == 0 => {
                        return Err(not_proposed("the proposed level is 0".into()));
                    }
                    Decision::Accept => {
                        let level = request.level.map_or(proposed_level, i64::from);
                        if !(1..=run.max_level).contains(&level) {
                            return Err(StoreError::Refused(format!(
                                "--level {level} is not a level of run {} (1 to {})",
                                run.id, run.max_level
                            )));
                        }
                        content.level = Some(level);
                    }
                    _ => content.level = Some(proposed_level),
                }
            }
            "youth_board" if outcome.text(2).is_none() => {
                return Err(not_proposed("no youth-board candidacy".into()));
            }
            "letter" if outcome.int(3).is_none() => {
                return Err(not_proposed("no concern letter".into()));
            }
            "youth_board" | "letter" => {}
            kind => {
                let action = tx.query(
                    "SELECT event_id, event_date, event_kind, event_code FROM actions
                     WHERE run_id = $1 AND person_id = $2 AND kind = $3",
                    &[
                        Value::from(run.id),
                        Value::from(person.as_str()),
                        Value::from(kind),
                    ],
                )?;
                let Some(action) = action.first() else {
                    return Err(not_proposed("no such action".into()));
                };
                content.event_id = action.text(0);
                content.event_date = action.text(1);
                content.event_kind = action.text(2);
                content.event_code = action.text(3);
            }
        }
        if let Some(replaced) = request.replaces {
            check_replaces(&mut *tx, replaced, person)?;
        }
        let (seq, head) = append(&mut *tx, Entry::Decision, &content)?;
        tx.commit()?;
        Ok(Appended {
            seq,
            run_id: run.id,
            head,
        })
    }
}

fn check_allowed(proposal: &str, decision: Decision) -> Result<(), StoreError> {
    let allowed = match (proposal, decision) {
        (_, Decision::Accept | Decision::Reject | Decision::Defer) => true,
        ("level", Decision::Close) => true,
        ("level" | "youth_board", Decision::Done) => false,
        (_, Decision::Done) => true,
        (_, Decision::Close) => false,
    };
    if allowed {
        Ok(())
    } else {
        let what = match decision {
            Decision::Done => "`done` records a letter sent or an action held",
            _ => "`close` ends a case: use it with --on level",
        };
        Err(StoreError::Refused(format!(
            "{what}; it does not apply to {}",
            if FIXED.contains(&proposal) {
                proposal
            } else {
                "this proposal"
            }
        )))
    }
}

/// A run as a decision needs it.
pub(crate) struct RunRef {
    pub id: i64,
    pub max_level: i64,
}

/// The run `id`, or the latest; refused when missing or purged.
pub(crate) fn run_of(tx: &mut dyn Tx, id: Option<i64>) -> Result<RunRef, StoreError> {
    let rows = match id {
        Some(id) => tx.query(
            "SELECT id, max_level, purged_on FROM runs WHERE id = $1",
            &[Value::from(id)],
        )?,
        None => tx.query(
            "SELECT id, max_level, purged_on FROM runs ORDER BY id DESC LIMIT 1",
            &[],
        )?,
    };
    let Some(row) = rows.first() else {
        return Err(match id {
            Some(id) => StoreError::NoSuchRun(id),
            None => StoreError::NoRuns,
        });
    };
    let run = RunRef {
        id: row.int(0).unwrap_or(0),
        max_level: row.int(1).unwrap_or(0),
    };
    if row.text(2).is_some() {
        return Err(StoreError::RunPurged(run.id));
    }
    Ok(run)
}

/// The level of the person's open case: the latest standing `accept` on
/// `level` with no `close` after it.
fn open_case(tx: &mut dyn Tx, person: &str) -> Result<Option<i64>, StoreError> {
    let rows = tx.query(
        "SELECT d.decision, d.level FROM decisions d
         WHERE d.entry = 'decision' AND d.person_id = $1 AND d.proposal = 'level'
           AND d.decision IN ('accept', 'close')
           AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.replaces = d.seq)
         ORDER BY d.seq DESC LIMIT 1",
        &[Value::from(person)],
    )?;
    Ok(rows
        .first()
        .filter(|r| r.text(0).as_deref() == Some("accept"))
        .and_then(|r| r.int(1)))
}

fn check_replaces(tx: &mut dyn Tx, replaced: i64, person: &str) -> Result<(), StoreError> {
    let rows = tx.query(
        "SELECT entry, person_id, salt FROM decisions WHERE seq = $1",
        &[Value::from(replaced)],
    )?;
    let refuse = |why: &str| {
        Err(StoreError::Refused(format!(
            "--replaces D{replaced}: {why}"
        )))
    };
    let Some(row) = rows.first() else {
        return refuse("no such decision");
    };
    if row.text(0).as_deref() != Some("decision") {
        return refuse("that entry is not a decision");
    }
    if row.text(2).is_none() {
        return refuse("its content was erased or purged");
    }
    if row.text(1).as_deref() != Some(person) {
        return refuse("it is a decision on another person");
    }
    let later = tx.query(
        "SELECT seq FROM decisions WHERE replaces = $1 ORDER BY seq LIMIT 1",
        &[Value::from(replaced)],
    )?;
    if let Some(by) = later.first().and_then(|r| r.int(0)) {
        return refuse(&format!(
            "it was already replaced by D{by}; replace that one"
        ));
    }
    Ok(())
}

/// Serialises appends: on PostgreSQL the row lock is held to commit, so a
/// second writer waits here; on SQLite the write transaction already holds
/// the database's write lock. Also counts the append, which lets `verify`
/// notice rows removed from the end.
pub(crate) fn lock(tx: &mut dyn Tx) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE chain_lock SET appended = appended + 1 WHERE id = 1",
        &[],
    )?;
    Ok(())
}

/// Appends an entry after the current head; returns its seq and hash. Call
/// [`lock`] first in the same transaction.
pub(crate) fn append(
    tx: &mut dyn Tx,
    entry: Entry,
    content: &Content,
) -> Result<(i64, String), StoreError> {
    let last = tx.query(
        "SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    let (seq, prev) = match last.first() {
        Some(row) => (row.int(0).unwrap_or(0) + 1, row.text(1).unwrap_or_default()),
        None => (1, chain::GENESIS.to_string()),
    };
    let salt = chain::new_salt();
    let digest = chain::sha256_hex(chain::canonical(entry, content, &salt).as_bytes());
    let hash = chain::link(&prev, &digest);
    let c = content;
    tx.execute(
        "INSERT INTO decisions (seq, entry, prev_hash, content_digest, hash, salt, recorded_at,
             run_id, person_id, proposal, decision, decided_by, agency, effort, level, note,
             decided_on, replaces, event_id, event_date, event_kind, event_code, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
             $18, $19, $20, $21, $22, $23)",
        &[
            Value::from(seq),
            Value::from(entry.as_str()),
            Value::from(prev),
            Value::from(digest),
            Value::from(hash.as_str()),
            Value::from(salt),
            Value::from(c.recorded_at.as_str()),
            Value::from(c.run_id),
            Value::from(c.person_id.clone()),
            Value::from(c.proposal.clone()),
            Value::from(c.decision.clone()),
            Value::from(serde_json::to_string(&c.decided_by).expect("names serialise")),
            Value::from(c.agency.clone()),
            Value::from(c.effort.clone()),
            Value::from(c.level),
            Value::from(c.note.clone()),
            Value::from(c.decided_on.clone()),
            Value::from(c.replaces),
            Value::from(c.event_id.clone()),
            Value::from(c.event_date.clone()),
            Value::from(c.event_kind.clone()),
            Value::from(c.event_code.clone()),
            Value::from(c.detail.clone()),
        ],
    )?;
    Ok((seq, hash))
}
