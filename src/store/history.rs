//! The register read back for a new screening (issue 17, item 5): the
//! previous run, each person's outcome in it, their standing decisions and
//! the actions still open, gathered into a [`History`] in one read
//! transaction before any person is screened.

use super::backend::{Mode, Tx, Value};
use super::read::{DECISION_COLUMNS, decision_row};
use super::{Store, StoreError};
use crate::history::{EarlierDecision, History, OpenAction, PreviousRun, Trigger};
use crate::time::Date;

impl Store {
    /// What the register holds about the persons `in_batch` says are in the
    /// batch, for a screening as of `as_of` over `municipalities`.
    ///
    /// Decisions dated after `as_of` are left out (a screening of the past
    /// sees the register as it stood then, as far as the dates say), and so
    /// are decisions replaced by a correction and erased payloads.
    ///
    /// # Errors
    /// Database errors as they come; [`StoreError::Corrupt`] for a stored
    /// date that is not one.
    pub fn feedback(
        &mut self,
        as_of: Date,
        municipalities: &[String],
        in_batch: &dyn Fn(&str) -> bool,
    ) -> Result<History, StoreError> {
        let previous = self.previous_run(as_of, municipalities)?;
        let mut tx = self.backend().begin(Mode::Read)?;
        let head = super::head(&mut *tx)?;
        let mut history = History::new(
            previous
                .as_ref()
                .map(|p| {
                    Ok::<_, StoreError>(PreviousRun {
                        id: p.id,
                        as_of: date(&p.as_of)?,
                    })
                })
                .transpose()?,
            head,
        );
        if let Some(previous) = &previous {
            for (id, side) in super::changes::sides(&mut *tx, previous.id)? {
                if side.proposed {
                    history.previously_proposed.push((id.clone(), side.level));
                }
                if in_batch(&id) {
                    history.entry(&id).previous = Some(side);
                }
            }
        }
        read_decisions(&mut *tx, as_of, in_batch, &mut history)?;
        if let Some(previous) = &previous {
            read_open_actions(
                &mut *tx,
                previous.id,
                date(&previous.as_of)?,
                in_batch,
                &mut history,
            )?;
        }
        Ok(history)
    }
}

fn date(text: &str) -> Result<Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt("a stored date is not YYYY-MM-DD".into()))
}

fn read_decisions(
    tx: &mut dyn Tx,
    as_of: Date,
    in_batch: &dyn Fn(&str) -> bool,
    history: &mut History,
) -> Result<(), StoreError> {
    let rows = tx.query(
        &format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d
             WHERE d.entry = 'decision' AND d.person_id IS NOT NULL AND d.decided_on <= $1
               AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.replaces = d.seq)
             ORDER BY d.seq"
        ),
        &[Value::from(as_of.format("%Y-%m-%d").to_string())],
    )?;
    for row in &rows {
        let d = decision_row(row);
        if !in_batch(&d.person_id) {
            continue;
        }
        let trigger = Trigger::from_columns(
            d.event_id.clone(),
            d.event_date.clone(),
            d.event_kind.clone(),
            d.event_code.clone(),
        );
        let decided = EarlierDecision {
            seq: d.seq,
            run: d.run_id.unwrap_or(0),
            proposal: d.proposal,
            decision: d.decision,
            decided_on: date(&d.decided_on)?,
            by: d.by,
            agency: d.agency,
            effort: d.effort,
            level: d.level,
            note: d.note,
            trigger,
        };
        history.entry(&d.person_id).decisions.push(decided);
    }
    Ok(())
}

/// The previous run's actions that no standing decision has recorded done,
/// closed or rejected (matched on person, kind and triggering event, in any
/// run).
fn read_open_actions(
    tx: &mut dyn Tx,
    run: i64,
    proposed_on: Date,
    in_batch: &dyn Fn(&str) -> bool,
    history: &mut History,
) -> Result<(), StoreError> {
    let rows = tx.query(
        "SELECT person_id, kind, due, event_id, event_date, event_kind, event_code
         FROM actions WHERE run_id = $1 ORDER BY person_id, kind",
        &[Value::from(run)],
    )?;
    for row in &rows {
        let person = row.text(0).unwrap_or_default();
        if !in_batch(&person) {
            continue;
        }
        let kind = row.text(1).unwrap_or_default();
        let due = row.text(2).as_deref().map(date).transpose()?;
        let trigger = Trigger::from_columns(row.text(3), row.text(4), row.text(5), row.text(6));
        let earlier = history.entry(&person);
        let latest = earlier.decisions.iter().rposition(|d| {
            d.proposal == kind && Trigger::same(d.trigger.as_ref(), trigger.as_ref())
        });
        let settled = latest.is_some_and(|i| {
            matches!(
                earlier.decisions[i].decision.as_str(),
                "done" | "close" | "reject"
            )
        });
        if !settled {
            earlier.open_actions.push(OpenAction {
                kind,
                due,
                run,
                proposed_on,
                trigger,
                decision: latest.map(|i| i as u32),
            });
        }
    }
    Ok(())
}
