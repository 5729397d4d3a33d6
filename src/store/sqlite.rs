//! The SQLite backend (rusqlite, SQLite compiled in): the embedded default.
//!
//! The file is created with mode 0600 before SQLite opens it (SQLite gives its
//! `-wal` and `-shm` files the same mode). WAL mode lets readers run while one
//! process writes; a busy timeout makes a second writer wait for the first
//! instead of failing; `synchronous = FULL` keeps every committed decision
//! through a power cut (one fsync per commit, and a run is one commit);
//! `secure_delete` overwrites what an erasure removes instead of leaving it in
//! free pages.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::StoreError;
use super::backend::{Backend, Cell, Dialect, Mode, Row, Tx, Value};

/// How long a writer waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open SQLite database file: one connection, with the settings above.
pub struct Sqlite {
    conn: Connection,
}

impl Sqlite {
    /// Opens the database at `path`; with `create`, creates it (mode 0600)
    /// when missing, else a missing file is [`StoreError::Missing`].
    pub fn open(path: &Path, create: bool) -> Result<Sqlite, StoreError> {
        let io = |e: std::io::Error| StoreError::Io {
            path: PathBuf::from(path),
            source: e,
        };
        if !path.exists() {
            if !create {
                return Err(StoreError::Missing(path.display().to_string()));
            }
            create_private(path).map_err(io)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        // journal_mode answers with a row; the others are silent.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(sqlite)?;
        conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;
             PRAGMA cache_size = -65536;",
        )
        .map_err(sqlite)?;
        Ok(Sqlite { conn })
    }
}

/// Creates an empty file readable and writable by its owner only.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

pub(super) fn sqlite(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite(e)
}

/// `$1` → `?1`: SQLite reads numbered parameters as `?N`.
fn dialect_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Int(Some(v)) => ToSqlOutput::from(*v),
            Value::Text(Some(v)) => ToSqlOutput::from(v.as_str()),
            Value::Bytes(Some(v)) => ToSqlOutput::from(v.as_slice()),
            Value::Int(None) | Value::Text(None) | Value::Bytes(None) => {
                ToSqlOutput::from(rusqlite::types::Null)
            }
        })
    }
}

fn cell(value: ValueRef<'_>) -> Cell {
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(v) => Cell::Int(v),
        // The schema has no REAL column; a float would be a foreign edit.
        ValueRef::Real(v) => Cell::Text(v.to_string()),
        ValueRef::Text(v) => Cell::Text(String::from_utf8_lossy(v).into_owned()),
        ValueRef::Blob(v) => Cell::Bytes(v.to_vec()),
    }
}

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn begin(&mut self, mode: Mode) -> Result<Box<dyn Tx + '_>, StoreError> {
        let behavior = match mode {
            Mode::Read => TransactionBehavior::Deferred,
            Mode::Write => TransactionBehavior::Immediate,
        };
        let tx = self
            .conn
            .transaction_with_behavior(behavior)
            .map_err(sqlite)?;
        Ok(Box::new(SqliteTx { tx }))
    }

    fn compact(&mut self) -> Result<(), StoreError> {
        // Copies the WAL (which still holds the erased pages) into the file
        // and empties it.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(sqlite)
    }
}

struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut stmt = self.tx.prepare_cached(&dialect_sql(sql)).map_err(sqlite)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(params))
            .map_err(sqlite)?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.tx.prepare_cached(&dialect_sql(sql)).map_err(sqlite)?;
        let width = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(sqlite)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite)? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                cells.push(cell(row.get_ref(i).map_err(sqlite)?));
            }
            out.push(Row(cells));
        }
        Ok(out)
    }

    fn script(&mut self, sql: &str) -> Result<(), StoreError> {
        self.tx.execute_batch(sql).map_err(sqlite)
    }

    fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<(), StoreError> {
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        );
        let mut stmt = self.tx.prepare_cached(&sql).map_err(sqlite)?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(&row))
                .map_err(sqlite)?;
        }
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().map_err(sqlite)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_numbered_question_marks() {
        assert_eq!(
            super::dialect_sql("SELECT a FROM t WHERE b = $1 AND c > $12 AND d = '$'"),
            "SELECT a FROM t WHERE b = ?1 AND c > ?12 AND d = '$'"
        );
    }
}
