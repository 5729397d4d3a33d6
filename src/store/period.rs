//! What the period report counts, read from the register in one
//! transaction: plain rows, each with the municipality and district the
//! person lived in at the run the row belongs to (schema version 2; `None`
//! for runs recorded before, or persons erased). The counting itself is
//! [`crate::report`]'s.
//!
//! Only **standing** decisions count (not replaced by a later one) whose
//! content is kept (not erased or purged).

use super::backend::{Mode, Row, Tx, Value};
use super::{Store, StoreError};

/// Where a person lived, by the outcome of the run a row belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// `municipality`, when the store has it.
    pub municipality: Option<String>,
    /// `district`, when the store has it and persons.csv gave one.
    pub district: Option<String>,
}

/// A standing decision, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The pseudonymous person id (for counting persons once, never shown).
    pub person_id: String,
    /// `level`, `youth_board`, `letter` or an action kind.
    pub proposal: String,
    /// `accept`, `reject`, `defer`, `done` or `close`.
    pub decision: String,
    /// For a level: the level decided.
    pub level: Option<i64>,
    /// The day decided, or done (`YYYY-MM-DD`).
    pub decided_on: String,
    /// For an action: its due date in the decision's run (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// Where the person lived.
    pub place: Place,
}

/// A proposal of a run, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// The pseudonymous person id.
    pub person_id: String,
    /// The run's as-of date.
    pub as_of: String,
    /// Where the person lived.
    pub place: Place,
}

/// An action of the period's last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAction {
    /// The pseudonymous person id.
    pub person_id: String,
    /// The action kind.
    pub kind: String,
    /// Its due date, if any.
    pub due: Option<String>,
    /// Where the person lived.
    pub place: Place,
}

/// A gang-registered person of the period's last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// `in_custody` on that run's as-of date.
    pub in_custody: bool,
    /// Where the person lived.
    pub place: Place,
}

/// Everything the period report counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PeriodFacts {
    /// Every standing decision dated on or before the period's end, in chain
    /// order (earlier ones are needed for moves between levels).
    pub decisions: Vec<Decided>,
    /// Concern letters in a meeting's batch, in runs as of a day in the period.
    pub letters: Vec<Proposed>,
    /// Youth-board candidacies, in runs as of a day in the period.
    pub candidacies: Vec<Proposed>,
    /// The latest run as of a day on or before the period's end (not purged):
    /// its id and as-of date.
    pub last_run: Option<(i64, String)>,
    /// That run's actions.
    pub actions: Vec<OpenAction>,
    /// That run's screened persons with a gang registration other than `none`.
    pub registered: Vec<Registered>,
}

fn place(row: &Row, at: usize) -> Place {
    Place {
        municipality: row.text(at),
        district: row.text(at + 1),
    }
}

impl Store {
    /// The rows of the period `from`..=`to` (`YYYY-MM-DD`).
    ///
    /// # Errors
    /// Database errors as they come.
    pub fn period_facts(&mut self, from: &str, to: &str) -> Result<PeriodFacts, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let decisions = tx
            .query(
                "SELECT d.person_id, d.proposal, d.decision, d.level, d.decided_on, a.due,
                     o.municipality, o.district
                 FROM decisions d
                 LEFT JOIN outcomes o ON o.run_id = d.run_id AND o.person_id = d.person_id
                 LEFT JOIN actions a ON a.run_id = d.run_id AND a.person_id = d.person_id
                     AND a.kind = d.proposal
                 WHERE d.entry = 'decision' AND d.salt IS NOT NULL AND d.decided_on <= $1
                   AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.replaces = d.seq)
                 ORDER BY d.seq",
                &[Value::from(to)],
            )?
            .iter()
            .map(|r| Decided {
                person_id: r.text(0).unwrap_or_default(),
                proposal: r.text(1).unwrap_or_default(),
                decision: r.text(2).unwrap_or_default(),
                level: r.int(3),
                decided_on: r.text(4).unwrap_or_default(),
                due: r.text(5),
                place: place(r, 6),
            })
            .collect();
        let proposed = |tx: &mut dyn Tx, condition: &str| -> Result<Vec<Proposed>, StoreError> {
            Ok(tx
                .query(
                    &format!(
                        "SELECT o.person_id, r.as_of, o.municipality, o.district
                         FROM outcomes o JOIN runs r ON r.id = o.run_id
                         WHERE r.as_of >= $1 AND r.as_of <= $2 AND {condition}
                         ORDER BY r.as_of, o.run_id, o.position"
                    ),
                    &[Value::from(from), Value::from(to)],
                )?
                .iter()
                .map(|r| Proposed {
                    person_id: r.text(0).unwrap_or_default(),
                    as_of: r.text(1).unwrap_or_default(),
                    place: place(r, 2),
                })
                .collect())
        };
        let letters = proposed(&mut *tx, "o.letter_in_batch = 1")?;
        let candidacies = proposed(&mut *tx, "o.youth_board_route IS NOT NULL")?;
        let last_run = tx
            .query(
                "SELECT id, as_of FROM runs WHERE as_of <= $1 AND purged_on IS NULL
                 ORDER BY as_of DESC, id DESC LIMIT 1",
                &[Value::from(to)],
            )?
            .first()
            .map(|r| (r.int(0).unwrap_or(0), r.text(1).unwrap_or_default()));
        let (mut actions, mut registered) = (Vec::new(), Vec::new());
        if let Some((run, _)) = &last_run {
            actions = tx
                .query(
                    "SELECT a.person_id, a.kind, a.due, o.municipality, o.district
                     FROM actions a
                     LEFT JOIN outcomes o ON o.run_id = a.run_id AND o.person_id = a.person_id
                     WHERE a.run_id = $1 ORDER BY o.position, a.kind",
                    &[Value::from(*run)],
                )?
                .iter()
                .map(|r| OpenAction {
                    person_id: r.text(0).unwrap_or_default(),
                    kind: r.text(1).unwrap_or_default(),
                    due: r.text(2),
                    place: place(r, 3),
                })
                .collect();
            registered = tx
                .query(
                    "SELECT in_custody, municipality, district FROM outcomes
                     WHERE run_id = $1 AND status = 'proposed'
                       AND gang_affiliation IS NOT NULL AND gang_affiliation <> 'none'
                     ORDER BY position",
                    &[Value::from(*run)],
                )?
                .iter()
                .map(|r| Registered {
                    in_custody: r.int(0) == Some(1),
                    place: place(r, 1),
                })
                .collect();
        }
        Ok(PeriodFacts {
            decisions,
            letters,
            candidacies,
            last_run,
            actions,
            registered,
        })
    }
}
