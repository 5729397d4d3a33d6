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
pub mod history;
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
    /// No SQLite file at the path (shown as given), and the caller did not
    /// ask for one to be created: `tryg review` never creates a store, so a
    /// typo is not an empty register.
    #[error("no store at {0} (`tryg screen --db {0}` creates one)")]
    Missing(String),
    /// The SQLite file could not be created.
    #[error("cannot open the store {}: {source}", path.display())]
    Io {
        /// The file tryg tried to create.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// SQLite (rusqlite) failed; the message joins the error and its causes
    /// on one line.
    #[error("SQLite: {}", chain_of(.0))]
    Sqlite(rusqlite::Error),
    /// The PostgreSQL client or server failed (connection, login, a
    /// statement); the message joins the error and its causes on one line.
    #[error("PostgreSQL: {}", chain_of(.0))]
    Postgres(::postgres::Error),
    /// Writing a row into PostgreSQL's `COPY … FROM STDIN` stream failed
    /// while recording a run; the I/O error's message.
    #[error("PostgreSQL COPY: {0}")]
    Copy(String),
    /// The store's schema is newer than this tryg knows (see
    /// [`schema::LATEST`]); the store is left unchanged.
    #[error(
        "this store was written by a newer tryg (schema version {found}, by tryg {by}); this tryg knows versions up to {known}: use tryg {by} or later"
    )]
    Newer {
        /// The newest schema version applied to the store (1-based).
        found: i64,
        /// The newest schema version this tryg knows ([`schema::LATEST`]).
        known: i64,
        /// The tryg version (Cargo.toml) that applied `found`.
        by: String,
    },
    /// The latest run was asked for, but no run has been recorded.
    #[error("the store holds no run yet: `tryg screen --db …` records one")]
    NoRuns,
    /// No run has this id (`--run`).
    #[error("the store has no run {0} (`tryg review runs` lists them)")]
    NoSuchRun(i64),
    /// The run's outcomes and actions were dropped by a purge; the run id.
    #[error("the outcomes of run {0} were purged (retention); decide on a later run")]
    RunPurged(i64),
    /// A person id typed on the command line is not 1–64 characters of
    /// `A-Z a-z 0-9 _ -`; it is not repeated in the message.
    #[error(
        "the person id given is not a pseudonymous id (1–64 characters of A-Z a-z 0-9 _ -); it is not shown"
    )]
    BadPersonId,
    /// A person id typed on the command line looks like a CPR number
    /// (`DDMMYY-XXXX`, or ten digits with a valid date); it is not repeated.
    #[error("the person id given looks like a CPR number; ids must be pseudonymous (not shown)")]
    CprLike,
    /// The run holds no outcome for the person (not in that batch, or erased).
    #[error("run {run} has no outcome for {person}")]
    NoOutcome {
        /// The run's id.
        run: i64,
        /// The person id, checked to be pseudonymous before it is shown.
        person: String,
    },
    /// A decision on something the run did not propose for the person;
    /// nothing was written.
    #[error("run {run} proposed no {proposal} for {person}: {why}")]
    NotProposed {
        /// The run's id.
        run: i64,
        /// The person id, checked to be pseudonymous before it is shown.
        person: String,
        /// What was decided on (`--on`): `level`, `youth_board`, `letter` or
        /// an action kind.
        proposal: String,
        /// tryg's own words for what the run proposed instead (e.g. "the
        /// proposed level is 0", "no such action").
        why: String,
    },
    /// A request tryg will not carry out, in its own words: what is wrong and
    /// what to do (a `--date` after today, `--replaces` of a decision already
    /// replaced, a recording that stopped, …). Never holds a name, note or
    /// effort typed by a user.
    #[error("{0}")]
    Refused(String),
    /// The store does not hold what tryg wrote or expects there (a
    /// `retention_months` setting that is not a number, no id returned for
    /// a new run): which value, in tryg's words.
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
    /// An SQLite database file, by its path as given.
    Sqlite(PathBuf),
    /// A PostgreSQL database: the `postgres://` or `postgresql://` URL as
    /// given, password included; messages show [`Location::describe`].
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

    /// Where this store is, as it was opened.
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
