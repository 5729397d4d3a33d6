//! The access log (issue 18 item 5): every view of a person's page in `tryg
//! serve` is recorded with the server session that viewed it and when, so a
//! data controller can answer "who looked at this child's record". A
//! session is named by a short public label (see `serve`), never by the
//! secret cookie value. `tryg review erase` removes a person's rows; `purge`
//! those older than the retention period. Also here: one chain entry by its
//! id ([`Store::chain_entry`]), for the server's "recorded" row.

use super::backend::{Mode, Value};
use super::{Store, StoreError};

/// One recorded view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// When, RFC 3339 in UTC to the second.
    pub viewed_at: String,
    /// The server session's public label.
    pub session: String,
    /// The pseudonymous person id.
    pub person_id: String,
    /// Which page: `person` (the history), or `item` for an agenda item opened.
    pub page: String,
}

/// One entry of the decision chain as it stands in the store: the row the
/// meeting server shows after recording a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainEntry {
    /// The decision (its `hash` is the entry's hash).
    pub decision: super::read::DecisionRow,
    /// The hash of the entry before it (64 hex digits; zeros for the first).
    pub prev_hash: String,
}

impl Store {
    /// The decision `D{seq}` with its link in the chain; `None` when there is
    /// no such decision or its content was erased or purged.
    ///
    /// # Errors
    /// Database errors as they come.
    pub fn chain_entry(&mut self, seq: i64) -> Result<Option<ChainEntry>, StoreError> {
        let mut tx = self.backend().begin(Mode::Read)?;
        let rows = tx.query(
            &format!(
                "SELECT {}, d.prev_hash FROM decisions d
                 WHERE d.seq = $1 AND d.entry = 'decision' AND d.salt IS NOT NULL",
                super::read::DECISION_COLUMNS
            ),
            &[Value::from(seq)],
        )?;
        Ok(rows.first().map(|row| ChainEntry {
            decision: super::read::decision_row(row),
            prev_hash: row.text(19).unwrap_or_default(),
        }))
    }

    /// Records that `session` viewed `person`'s `page` now.
    ///
    /// # Errors
    /// [`StoreError::BadPersonId`] or [`StoreError::CprLike`] for an id that
    /// is not pseudonymous; database errors as they come.
    pub fn log_view(&mut self, session: &str, person: &str, page: &str) -> Result<(), StoreError> {
        super::check_person_id(person)?;
        let mut tx = self.backend().begin(Mode::Write)?;
        tx.execute(
            "INSERT INTO access_log (viewed_at, session, person_id, page) VALUES ($1, $2, $3, $4)",
            &[
                Value::from(super::now()),
                Value::from(session),
                Value::from(person),
                Value::from(page),
            ],
        )?;
        tx.commit()
    }

    /// Every recorded view of `person`'s pages, oldest first.
    ///
    /// # Errors
    /// As [`Store::log_view`].
    pub fn views_of(&mut self, person: &str) -> Result<Vec<View>, StoreError> {
        super::check_person_id(person)?;
        let mut tx = self.backend().begin(Mode::Read)?;
        let rows = tx.query(
            "SELECT viewed_at, session, person_id, page FROM access_log
             WHERE person_id = $1 ORDER BY id",
            &[Value::from(person)],
        )?;
        Ok(rows
            .iter()
            .map(|r| View {
                viewed_at: r.text(0).unwrap_or_default(),
                session: r.text(1).unwrap_or_default(),
                person_id: r.text(2).unwrap_or_default(),
                page: r.text(3).unwrap_or_default(),
            })
            .collect())
    }
}
