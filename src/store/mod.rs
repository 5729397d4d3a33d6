//! The case register: runs, their outcomes, the meeting's decisions, the hash
//! chain over those decisions, retention and erasure (issue 17). One
//! [`Store`], over SQLite (`--db PATH`, embedded, the default) or PostgreSQL
//! (`--db postgres://…`), through the same code.
//!
//! **Crates.** `rusqlite` (SQLite compiled in, feature `bundled`) and the
//! synchronous `postgres` client, behind one small trait ([`backend::Backend`],
//! [`backend::Tx`]). tryg is a command-line tool that runs a handful of
//! statements per command and one long transaction per screening; an async
//! runtime (`sqlx`) would add a second execution model to a rayon program for
//! nothing it needs, and both choices link one SQLite. Every statement is
//! written once, in the placeholder style both dialects accept after a
//! one-character rewrite; the few that differ ask the backend's dialect.
//!
//! Module map:
//! - [`backend`]: the trait; [`sqlite`] and [`postgres`] implement it.
//! - [`schema`]: versioned migrations, applied on open; a newer store refused.
//! - [`rows`]: an `Outcome` → the rows kept of it (**the one function to
//!   adapt when the outcome changes shape**: [`rows::OutcomeRow::of`]).
//! - [`record`]: a screening recorded in one transaction, rule files
//!   content-addressed.
//! - [`chain`]: the canonical form, hashes and the verification of the chain.
//! - [`decide`]: decisions, checked against what the run proposed, appended.
//! - [`read`]: runs, the agenda of pending proposals, one person's history,
//!   the export, and the lookups feeding back into screening.
//! - [`retention`]: purge past the retention period; erase one person.
//! - [`changes`]: a run against the previous one (new, escalated,
//!   de-escalated, unchanged; no longer proposed).
//! - [`access`]: the log of who viewed a person's page in `tryg serve`.
//! - [`period`]: the rows the period report counts (`tryg report`).
//!
//! The schema, the chain's canonical form and what purge and erase keep are
//! described in docs/case-register.md. Nothing here prints.

pub mod access;
pub mod backend;
pub mod chain;
pub mod changes;
pub mod decide;
pub mod period;
pub mod postgres;
pub mod read;
pub mod record;
pub mod retention;
pub mod rows;
pub mod schema;
pub mod sqlite;

use std::path::PathBuf;

pub use backend::{Backend, Mode, Value};

/// Everything that can go wrong with the register. Messages name no personal
/// value: person ids are echoed only once checked to be pseudonymous ids, and
/// names, notes and efforts never.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no store at {0} (`tryg screen --db {0}` creates one)")]
    Missing(String),
    #[error("cannot open the store {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("SQLite: {}", chain_of(.0))]
    Sqlite(rusqlite::Error),
    #[error("PostgreSQL: {}", chain_of(.0))]
    Postgres(::postgres::Error),
    #[error("PostgreSQL COPY: {0}")]
    Copy(String),
    #[error(
        "this store was written by a newer tryg (schema version {found}, by tryg {by}); this tryg knows versions up to {known}: use tryg {by} or later"
    )]
    Newer { found: i64, known: i64, by: String },
    #[error("the store holds no run yet: `tryg screen --db …` records one")]
    NoRuns,
    #[error("the store has no run {0} (`tryg review runs` lists them)")]
    NoSuchRun(i64),
    #[error("the outcomes of run {0} were purged (retention); decide on a later run")]
    RunPurged(i64),
    #[error(
        "the person id given is not a pseudonymous id (1–64 characters of A-Z a-z 0-9 _ -); it is not shown"
    )]
    BadPersonId,
    #[error("the person id given looks like a CPR number; ids must be pseudonymous (not shown)")]
    CprLike,
    #[error("run {run} has no outcome for {person}")]
    NoOutcome { run: i64, person: String },
    #[error("run {run} proposed no {proposal} for {person}: {why}")]
    NotProposed {
        run: i64,
        person: String,
        proposal: String,
        why: String,
    },
    #[error("{0}")]
    Refused(String),
    #[error("the store's data is not what tryg wrote: {0}")]
    Corrupt(String),
}

/// An error and its causes on one line (the drivers' errors nest the
/// server's message one level down).
fn chain_of(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// Where a store is: `--db` or `TRYG_DB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a server; anything else a file.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_string())
        } else {
            Location::Sqlite(PathBuf::from(text))
        }
    }

    /// How the store is named in messages (a server without its password).
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => postgres::describe(url),
        }
    }
}

/// An open, migrated register.
pub struct Store {
    backend: Box<dyn Backend>,
    location: Location,
}

impl Store {
    /// Opens the store at `location` and migrates it to this tryg's schema.
    /// With `create`, a missing SQLite file is created (mode 0600); without,
    /// it is [`StoreError::Missing`]. A store of a newer tryg is
    /// [`StoreError::Newer`].
    pub fn open(location: &Location, create: bool) -> Result<Store, StoreError> {
        let mut backend: Box<dyn Backend> = match location {
            Location::Sqlite(path) => Box::new(sqlite::Sqlite::open(path, create)?),
            Location::Postgres(url) => Box::new(postgres::Postgres::open(url)?),
        };
        schema::migrate(&mut *backend, &now())?;
        Ok(Store {
            backend,
            location: location.clone(),
        })
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    pub(crate) fn backend(&mut self) -> &mut dyn Backend {
        &mut *self.backend
    }

    /// The hash of the chain's last entry ([`chain::GENESIS`] when empty).
    pub fn head(&mut self) -> Result<String, StoreError> {
        let mut tx = self.backend.begin(Mode::Read)?;
        head(&mut *tx)
    }
}

/// The chain's head hash, read inside a transaction.
pub(crate) fn head(tx: &mut dyn backend::Tx) -> Result<String, StoreError> {
    Ok(tx
        .query("SELECT hash FROM decisions ORDER BY seq DESC LIMIT 1", &[])?
        .first()
        .and_then(|r| r.text(0))
        .unwrap_or_else(|| chain::GENESIS.to_string()))
}

/// Wall-clock time for `recorded_at`, RFC 3339 in UTC to the second. (The
/// screening never reads the clock; the register records when things were
/// written, which is what an audit asks.)
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Checks a person id typed on the command line before it is used or shown.
pub fn check_person_id(text: &str) -> Result<(), StoreError> {
    if crate::load::fields::looks_like_cpr(text) {
        Err(StoreError::CprLike)
    } else if crate::load::fields::is_id(text) {
        Ok(())
    } else {
        Err(StoreError::BadPersonId)
    }
}
