//! What changed since the last meeting (issue 17 item 6, issue 18 item 2):
//! a run's outcomes against each person's outcome in the **previous run** —
//! the latest recorded run with an earlier as-of date over the same
//! municipalities (in any order), whose outcomes were not purged.
//!
//! Per person of the run, a [`Change`], by the rule [`crate::change`]
//! states (and [`classify`] applies).
//!
//! Persons who had something proposed in the previous run and have nothing
//! proposed now, or are absent from the run or not screened in it, are
//! listed apart in [`Changes::no_longer_proposed`] (a person can appear
//! there and be `de-escalated` too, from level 1 to 0, say).
//!
//! With no previous run every person with a proposal is `new` and
//! [`Changes::previous`] is `None`, so a caller can show nothing instead.
//! A screening with a register works the same out in memory
//! ([`crate::screen`], from [`crate::history::History`]); this module does
//! it for a recorded run (`tryg serve`).

use std::collections::HashMap;

pub use crate::change::{ChangeKind, NoLongerProposed, Side, classify};

use super::backend::{Mode, Row, Tx, Value};
use super::read::RunInfo;
use super::{Store, StoreError};
use crate::change::level_evidence;

/// One person's change since the previous run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The pseudonymous person id.
    pub person_id: String,
    /// How the outcome moved.
    pub kind: ChangeKind,
    /// The level in the previous run, when the person was screened there.
    pub from_level: Option<i64>,
    /// The level now (0 when not screened now).
    pub level: i64,
    /// The event ids that moved it (see the module's table); empty for
    /// `unchanged`.
    pub evidence: Vec<String>,
}

/// A run compared with its previous run.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    /// The run compared with, if there is one.
    pub previous: Option<RunInfo>,
    /// One per outcome of the run, in input order.
    pub changes: Vec<Change>,
    /// Persons proposed in the previous run with nothing proposed now, in
    /// the previous run's input order.
    pub no_longer_proposed: Vec<NoLongerProposed>,
}

impl Store {
    /// Compares run `run` with its previous run (see the module doc).
    ///
    /// # Errors
    /// [`StoreError::NoSuchRun`] for a run the store lacks,
    /// [`StoreError::RunPurged`] when its outcomes were purged; database
    /// errors as they come.
    pub fn changes(&mut self, run: i64) -> Result<Changes, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let this = tx.query(
            "SELECT as_of, scope_key, purged_on FROM runs WHERE id = $1",
            &[Value::from(run)],
        )?;
        let Some(this) = this.first() else {
            return Err(StoreError::NoSuchRun(run));
        };
        if this.text(2).is_some() {
            return Err(StoreError::RunPurged(run));
        }
        let (as_of, scope) = (this.text(0).unwrap_or_default(), this.text(1));
        let previous = tx
            .query(
                &format!(
                    "SELECT {} FROM runs WHERE scope_key = $1 AND as_of < $2
                     AND purged_on IS NULL ORDER BY as_of DESC, id DESC LIMIT 1",
                    super::read::RUN_COLUMNS
                ),
                &[Value::from(scope), Value::from(as_of)],
            )?
            .first()
            .map(super::read::run_info);
        let now = sides(&mut *tx, run)?;
        let before: Vec<(String, Side)> = match &previous {
            Some(p) => sides(&mut *tx, p.id)?,
            None => Vec::new(),
        };
        let by_person: HashMap<&str, &Side> =
            before.iter().map(|(id, s)| (id.as_str(), s)).collect();
        let changes = now
            .iter()
            .map(|(id, side)| {
                let (kind, from_level, evidence) =
                    classify(side, by_person.get(id.as_str()).copied());
                Change {
                    person_id: id.clone(),
                    kind,
                    from_level,
                    level: if side.screened { side.level } else { 0 },
                    evidence,
                }
            })
            .collect();
        let current: HashMap<&str, &Side> = now.iter().map(|(id, s)| (id.as_str(), s)).collect();
        let no_longer_proposed = before
            .iter()
            .filter(|(_, s)| s.proposed)
            .filter_map(|(id, s)| {
                let now = current.get(id.as_str());
                (!now.is_some_and(|n| n.proposed)).then(|| NoLongerProposed {
                    person_id: id.clone(),
                    from_level: s.level,
                    in_run: now.is_some(),
                })
            })
            .collect();
        Ok(Changes {
            previous,
            changes,
            no_longer_proposed,
        })
    }
}

/// The outcomes of a run as [`Side`]s, in input order.
pub(crate) fn sides(tx: &mut dyn Tx, run: i64) -> Result<Vec<(String, Side)>, StoreError> {
    let rows = tx.query(
        // Only a proposed outcome's level reasons are ever compared
        // (`classify`), so only those documents are read and parsed: a
        // million outcomes are mostly not proposed.
        "SELECT person_id, status, level, proposed,
             CASE WHEN proposed = 1 THEN document END
         FROM outcomes WHERE run_id = $1 ORDER BY position",
        &[Value::from(run)],
    )?;
    Ok(rows.iter().map(side).collect())
}

fn side(row: &Row) -> (String, Side) {
    let id = row.text(0).unwrap_or_default();
    let screened = row.text(1).as_deref() == Some("proposed");
    let level = row.int(2).unwrap_or(0);
    let proposed = row.int(3) == Some(1);
    // Only the level's reasons are read from the document; the typed
    // columns decide the rest.
    let level_evidence = row
        .text(4)
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .map(|doc| level_evidence(&doc, level))
        .unwrap_or_default();
    (
        id,
        Side {
            screened,
            level,
            proposed,
            level_evidence,
        },
    )
}
