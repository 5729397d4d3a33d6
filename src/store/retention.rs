//! Retention and erasure: what the register may no longer keep leaves it,
//! while the chain still verifies.
//!
//! - **Purge** (`tryg review purge`): the retention period is kept in the
//!   store (`settings.retention_months`, default 60, as for events), since
//!   one store may serve several rule packs. Runs whose as-of date is before
//!   today minus that many months lose their outcomes and actions (the run
//!   header, its digests, counts and rule files stay: they hold no person);
//!   decisions dated before it lose their content.
//! - **Erase** (`tryg review erase PERSON_ID`): one person's outcomes and
//!   actions in every run are deleted, and their decisions lose their content
//!   (the person id included).
//!
//! A decision that loses its content keeps `seq`, `prev_hash`,
//! `content_digest` and `hash`, and names in `dropped_by` the entry that
//! dropped it; that purge or erasure entry is itself appended to the chain,
//! listing the entries it emptied and what it removed, but never the person.
//! SQLite overwrites deleted content (`secure_delete`) and empties its WAL
//! afterwards; PostgreSQL vacuums the tables. Copies made before (backups,
//! exports) are outside the store's reach.

use serde_json::json;

use super::backend::{Mode, Tx, Value};
use super::chain::{Content, Entry};
use super::decide::{append, lock};
use super::{Store, StoreError};
use crate::time::Date;

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    /// The retention period applied, in months: the one given (which is then
    /// kept in the store), else the store's.
    pub retention_months: u32,
    /// `today` minus `retention_months` calendar months: runs with an as-of
    /// date before this day lost their outcomes, and decisions decided before
    /// it their content.
    pub cutoff: Date,
    /// The ids of the runs whose outcomes and actions were dropped, ascending.
    pub runs: Vec<i64>,
    /// How many outcomes were dropped, over all those runs.
    pub outcomes: i64,
    /// The seqs (`D{seq}`) of the decisions whose content was dropped,
    /// ascending.
    pub decisions: Vec<i64>,
    /// The purge entry's seq and the new head, when anything was recorded.
    pub recorded: Option<(i64, String)>,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The ids of the runs that held an outcome of the person, ascending.
    pub runs: Vec<i64>,
    /// How many outcomes were deleted (one per run in `runs`).
    pub outcomes: i64,
    /// The seqs (`D{seq}`) of the person's decisions whose content was
    /// dropped, ascending.
    pub decisions: Vec<i64>,
    /// The erasure entry's seq and the new head, when anything was erased.
    pub recorded: Option<(i64, String)>,
}

const DROP_PAYLOAD: &str = "UPDATE decisions SET salt = NULL, dropped_by = $1, recorded_at = NULL,
    run_id = NULL, person_id = NULL, proposal = NULL, decision = NULL, decided_by = NULL,
    agency = NULL, effort = NULL, level = NULL, note = NULL, decided_on = NULL, replaces = NULL,
    event_id = NULL, event_date = NULL, event_kind = NULL, event_code = NULL, detail = NULL
    WHERE seq = $2";

impl Store {
    /// Drops what is older than the retention period as of `today`; with
    /// `months`, first sets the period (kept in the store). `by` and `note`
    /// are recorded with the purge.
    pub fn purge(
        &mut self,
        today: Date,
        months: Option<u32>,
        by: &[String],
        note: Option<&str>,
    ) -> Result<Purged, StoreError> {
        if months == Some(0) {
            return Err(StoreError::Refused(
                "--retention-months must be at least 1".into(),
            ));
        }
        let mut purged = {
            let mut tx = self.backend().begin(Mode::Write)?;
            lock(&mut *tx)?;
            let before = super::read::retention_months(&mut *tx)?;
            if let Some(m) = months {
                tx.execute(
                    "UPDATE settings SET value = $1 WHERE key = 'retention_months'",
                    &[Value::from(m.to_string())],
                )?;
            }
            let retention = months.unwrap_or(before);
            let cutoff = crate::time::months_before(today, retention);
            let day = cutoff.format("%Y-%m-%d").to_string();
            let runs = ids(
                &mut *tx,
                "SELECT id FROM runs WHERE as_of < $1 AND purged_on IS NULL ORDER BY id",
                &day,
            )?;
            let mut outcomes = 0;
            for &run in &runs {
                outcomes += count(&mut *tx, "outcomes", "run_id", Value::from(run))?;
                tx.execute("DELETE FROM actions WHERE run_id = $1", &[Value::from(run)])?;
                tx.execute(
                    "DELETE FROM outcomes WHERE run_id = $1",
                    &[Value::from(run)],
                )?;
                tx.execute(
                    "UPDATE runs SET purged_on = $1 WHERE id = $2",
                    &[
                        Value::from(today.format("%Y-%m-%d").to_string()),
                        Value::from(run),
                    ],
                )?;
            }
            // Views of a person's page (`tryg serve`) age out like the rest.
            tx.execute(
                "DELETE FROM access_log WHERE viewed_at < $1",
                &[Value::from(day.as_str())],
            )?;
            let decisions = ids(
                &mut *tx,
                "SELECT seq FROM decisions WHERE entry = 'decision' AND salt IS NOT NULL
                 AND decided_on < $1 ORDER BY seq",
                &day,
            )?;
            let mut purged = Purged {
                retention_months: retention,
                cutoff,
                runs,
                outcomes,
                decisions,
                recorded: None,
            };
            let changed = months.is_some_and(|m| m != before);
            if !changed && purged.runs.is_empty() && purged.decisions.is_empty() {
                // Nothing to drop and nothing to record.
                return Ok(purged);
            }
            let content = Content {
                recorded_at: super::now(),
                decided_by: by.to_vec(),
                note: note.map(str::to_string),
                decided_on: Some(today.format("%Y-%m-%d").to_string()),
                detail: Some(
                    json!({
                        "entries": purged.decisions,
                        "runs": purged.runs,
                        "outcomes": purged.outcomes,
                        "cutoff": day,
                        "retention_months": retention,
                        "retention_months_before": before,
                    })
                    .to_string(),
                ),
                ..Content::default()
            };
            let (seq, head) = append(&mut *tx, Entry::Purge, &content)?;
            drop_payloads(&mut *tx, seq, &purged.decisions)?;
            tx.commit()?;
            purged.recorded = Some((seq, head));
            purged
        };
        if !purged.runs.is_empty() || !purged.decisions.is_empty() {
            self.backend().compact()?;
        }
        purged.runs.sort_unstable();
        Ok(purged)
    }

    /// Removes one person's payload from the register (outcomes and actions
    /// in every run; the content of their decisions), recording the erasure
    /// without the person's id.
    pub fn erase(
        &mut self,
        person: &str,
        today: Date,
        by: &[String],
        note: Option<&str>,
    ) -> Result<Erased, StoreError> {
        super::check_person_id(person)?;
        let erased = {
            let mut tx = self.backend().begin(Mode::Write)?;
            lock(&mut *tx)?;
            let runs = ids(
                &mut *tx,
                "SELECT run_id FROM outcomes WHERE person_id = $1 ORDER BY run_id",
                person,
            )?;
            let decisions = ids(
                &mut *tx,
                "SELECT seq FROM decisions WHERE entry = 'decision' AND person_id = $1
                 ORDER BY seq",
                person,
            )?;
            let mut erased = Erased {
                outcomes: runs.len() as i64,
                runs,
                decisions,
                recorded: None,
            };
            if erased.runs.is_empty() && erased.decisions.is_empty() {
                return Ok(erased);
            }
            tx.execute(
                "DELETE FROM actions WHERE person_id = $1",
                &[Value::from(person)],
            )?;
            tx.execute(
                "DELETE FROM outcomes WHERE person_id = $1",
                &[Value::from(person)],
            )?;
            // Who viewed the person's page in `tryg serve` names the person too.
            tx.execute(
                "DELETE FROM access_log WHERE person_id = $1",
                &[Value::from(person)],
            )?;
            let content = Content {
                recorded_at: super::now(),
                decided_by: by.to_vec(),
                note: note.map(str::to_string),
                decided_on: Some(today.format("%Y-%m-%d").to_string()),
                detail: Some(
                    json!({
                        "entries": erased.decisions,
                        "runs": erased.runs,
                        "outcomes": erased.outcomes,
                    })
                    .to_string(),
                ),
                ..Content::default()
            };
            let (seq, head) = append(&mut *tx, Entry::Erasure, &content)?;
            drop_payloads(&mut *tx, seq, &erased.decisions)?;
            tx.commit()?;
            erased.recorded = Some((seq, head));
            erased
        };
        self.backend().compact()?;
        Ok(erased)
    }
}

fn drop_payloads(tx: &mut dyn Tx, by: i64, seqs: &[i64]) -> Result<(), StoreError> {
    for &seq in seqs {
        tx.execute(DROP_PAYLOAD, &[Value::from(by), Value::from(seq)])?;
    }
    Ok(())
}

fn ids(tx: &mut dyn Tx, sql: &str, param: &str) -> Result<Vec<i64>, StoreError> {
    Ok(tx
        .query(sql, &[Value::from(param)])?
        .iter()
        .filter_map(|r| r.int(0))
        .collect())
}

fn count(tx: &mut dyn Tx, table: &str, column: &str, value: Value) -> Result<i64, StoreError> {
    Ok(tx
        .query(
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"),
            &[value],
        )?
        .first()
        .and_then(|r| r.int(0))
        .unwrap_or(0))
}
