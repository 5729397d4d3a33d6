//! The one trait both databases sit behind: a connection that opens
//! transactions, and a transaction that runs SQL with positional parameters.
//!
//! Everything above this file (migrations, recording, decisions, the chain,
//! retention) is written once against [`Tx`]. SQL is written in PostgreSQL's
//! placeholder style (`$1`, `$2`, …); the SQLite backend rewrites it to `?1`,
//! `?2`, which SQLite reads the same way. Only a handful of statements differ
//! between the dialects, and those ask [`Dialect`].

use super::StoreError;

/// Which SQL dialect a backend speaks, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3 (bundled with rusqlite).
    Sqlite,
    /// PostgreSQL (tested on 15).
    Postgres,
}

/// A parameter. The schema uses only 64-bit integers, text and bytes, so one
/// value type serves both drivers; `None` is SQL `NULL` of that type
/// (PostgreSQL wants to know the type of a `NULL` too).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `BIGINT` / `INTEGER`.
    Int(Option<i64>),
    /// `TEXT` (UTF-8).
    Text(Option<String>),
    /// `BYTEA` / `BLOB`.
    Bytes(Option<Vec<u8>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_string))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(Some(i64::from(v)))
    }
}

/// A value read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// A 64-bit integer (PostgreSQL `BIGINT`, `INTEGER` and `BOOLEAN` as 0/1
    /// read as this too).
    Int(i64),
    /// Text (UTF-8). Any column type the backends do not map otherwise is
    /// read as text, e.g. a floating-point value put in by hand in SQLite.
    Text(String),
    /// Bytes (`BLOB` / `BYTEA`).
    Bytes(Vec<u8>),
}

/// One row of a result, cells in the order the query selected them.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Cell>);

impl Row {
    /// The integer in column `i`; `None` for `NULL` (or another type).
    pub fn int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Cell::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// The text in column `i`; `None` for `NULL` (or another type).
    pub fn text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Cell::Text(v)) => Some(v.clone()),
            _ => None,
        }
    }

    /// The bytes in column `i`; `None` for `NULL`.
    pub fn bytes(&self, i: usize) -> Option<Vec<u8>> {
        match self.0.get(i) {
            Some(Cell::Bytes(v)) => Some(v.clone()),
            _ => None,
        }
    }
}

/// How a transaction starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Reads only.
    Read,
    /// Writes: on SQLite the write lock is taken at `BEGIN` (`BEGIN
    /// IMMEDIATE`), so a read-then-append (the chain) cannot be interleaved
    /// with another writer; PostgreSQL serialises appends with a row lock
    /// (see `chain`).
    Write,
}

/// An open database: SQLite file or PostgreSQL connection.
pub trait Backend: Send {
    /// Which dialect this backend speaks.
    fn dialect(&self) -> Dialect;
    /// Starts a transaction; it rolls back when dropped without [`Tx::commit`].
    fn begin(&mut self, mode: Mode) -> Result<Box<dyn Tx + '_>, StoreError>;
    /// Runs statements that cannot run inside a transaction (PostgreSQL's
    /// `VACUUM`, SQLite's WAL checkpoint), after an erasure. Best effort.
    fn compact(&mut self) -> Result<(), StoreError>;
}

/// A transaction. SQL uses `$1`-style placeholders.
pub trait Tx {
    /// Runs one statement; returns the rows changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs one query and reads every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs a script of statements without parameters (migrations).
    fn script(&mut self, sql: &str) -> Result<(), StoreError>;
    /// Inserts many rows into `table` (`columns` in order): the fast path for
    /// recording a run (a cached prepared statement on SQLite, `COPY` on
    /// PostgreSQL).
    fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<(), StoreError>;
    /// Commits everything the transaction did, at once. A transaction
    /// dropped without this is rolled back.
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
