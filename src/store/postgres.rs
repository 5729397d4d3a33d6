//! The PostgreSQL backend (the synchronous `postgres` client), for units whose
//! members sit at different agencies and share one server.
//!
//! Transactions run at READ COMMITTED; appends to the decision chain are
//! serialised by a row lock (`UPDATE chain_lock …`, held to commit), so two
//! members deciding at the same moment queue instead of forking the chain.
//! Migrations take a transaction-scoped advisory lock, so two trygs opening a
//! new database at once do not both create it. Recording a run streams its
//! outcomes with `COPY … FROM STDIN`.
//!
//! Connections are made without TLS (`sslmode=disable` or `prefer`); a URL
//! asking for `sslmode=require` is refused by the driver with its message.
//! Run tryg on the database host, or through a tunnel, until TLS is added.

use std::error::Error;
use std::io::Write;

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, IsolationLevel, NoTls};

use super::StoreError;
use super::backend::{Backend, Cell, Dialect, Mode, Row, Tx, Value};

/// A key for `pg_advisory_xact_lock` while migrating ("tryg" in ASCII).
const MIGRATION_LOCK: i64 = 0x7472_7967;

/// An open connection to a PostgreSQL server (one client, no TLS).
pub struct Postgres {
    client: Client,
}

impl Postgres {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`,
    /// or `postgresql://…`) without TLS. An unreachable server, a refused
    /// login or a URL asking for `sslmode=require` is
    /// [`StoreError::Postgres`]. It does not migrate: [`super::Store::open`]
    /// does.
    pub fn open(url: &str) -> Result<Postgres, StoreError> {
        let client = Client::connect(url, NoTls).map_err(postgres)?;
        Ok(Postgres { client })
    }

    /// The statement that serialises migrations.
    pub fn migration_lock() -> String {
        format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    }
}

/// `postgres://user:secret@host:5432/db?…` → `postgres://user@host:5432/db`:
/// how a server is named in messages, never with its password.
pub fn describe(url: &str) -> String {
    match url.parse::<postgres::Config>() {
        Ok(config) => {
            let host = config
                .get_hosts()
                .first()
                .map(|h| match h {
                    postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(path) => path.display().to_string(),
                })
                .unwrap_or_default();
            let port = config
                .get_ports()
                .first()
                .map(|p| format!(":{p}"))
                .unwrap_or_default();
            let user = config
                .get_user()
                .map(|u| format!("{u}@"))
                .unwrap_or_default();
            let db = config.get_dbname().unwrap_or("");
            format!("postgres://{user}{host}{port}/{db}")
        }
        Err(_) => "a PostgreSQL URL".to_string(),
    }
}

pub(super) fn postgres(e: postgres::Error) -> StoreError {
    StoreError::Postgres(e)
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        // The server infers each parameter's type from where it stands; a
        // value of another kind there is a bug in tryg's SQL, said plainly.
        let mismatch = || -> Box<dyn Error + Sync + Send> {
            format!("tryg passed {self:?} where the server expects {ty}").into()
        };
        match self {
            Value::Int(v) if <i64 as ToSql>::accepts(ty) => v.to_sql(ty, out),
            Value::Text(v) if <String as ToSql>::accepts(ty) => v.to_sql(ty, out),
            Value::Bytes(v) if <Vec<u8> as ToSql>::accepts(ty) => v.to_sql(ty, out),
            _ => Err(mismatch()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <i64 as ToSql>::accepts(ty)
            || <String as ToSql>::accepts(ty)
            || <Vec<u8> as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

fn row(row: &postgres::Row) -> Result<Row, StoreError> {
    let mut cells = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let cell = if *ty == Type::VOID {
            Ok(None)
        } else if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int))
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map(|v| v.map(|v| Cell::Int(i64::from(v))))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)
                .map(|v| v.map(|v| Cell::Int(i64::from(v))))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map(Cell::Bytes))
        } else {
            row.try_get::<_, Option<String>>(i)
                .map(|v| v.map(Cell::Text))
        }
        .map_err(postgres)?;
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(cells))
}

impl Backend for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn begin(&mut self, mode: Mode) -> Result<Box<dyn Tx + '_>, StoreError> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .read_only(mode == Mode::Read)
            .start()
            .map_err(postgres)?;
        Ok(Box::new(PostgresTx { tx }))
    }

    fn compact(&mut self) -> Result<(), StoreError> {
        // Dead row versions keep erased values on disk until vacuumed.
        // One statement each: several in one string run as one transaction
        // block, where VACUUM cannot run.
        for table in ["outcomes", "actions", "decisions"] {
            self.client
                .batch_execute(&format!("VACUUM {table}"))
                .map_err(postgres)?;
        }
        Ok(())
    }
}

struct PostgresTx<'c> {
    tx: postgres::Transaction<'c>,
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// A value in `COPY`'s text format.
fn copy_text(value: &Value, out: &mut Vec<u8>) {
    let text = |s: &str, out: &mut Vec<u8>| {
        for b in s.bytes() {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => out.push(b),
            }
        }
    };
    match value {
        Value::Int(Some(v)) => out.extend_from_slice(v.to_string().as_bytes()),
        Value::Text(Some(v)) => text(v, out),
        Value::Bytes(Some(v)) => {
            out.extend_from_slice(b"\\\\x");
            for b in v {
                out.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
        Value::Int(None) | Value::Text(None) | Value::Bytes(None) => out.extend_from_slice(b"\\N"),
    }
}

impl Tx for PostgresTx<'_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        self.tx.execute(sql, &params(values)).map_err(postgres)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.tx
            .query(sql, &params(values))
            .map_err(postgres)?
            .iter()
            .map(row)
            .collect()
    }

    fn script(&mut self, sql: &str) -> Result<(), StoreError> {
        self.tx.batch_execute(sql).map_err(postgres)
    }

    fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> Result<(), StoreError> {
        let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let mut writer = self.tx.copy_in(&sql).map_err(postgres)?;
        let mut line = Vec::with_capacity(4096);
        for row in rows {
            line.clear();
            for (i, value) in row.iter().enumerate() {
                if i > 0 {
                    line.push(b'\t');
                }
                copy_text(value, &mut line);
            }
            line.push(b'\n');
            writer
                .write_all(&line)
                .map_err(|e| StoreError::Copy(e.to_string()))?;
        }
        writer.finish().map_err(postgres)?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().map_err(postgres)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_named_without_its_password() {
        assert_eq!(
            describe("postgres://tryg:s3cret@127.0.0.1:5433/register?sslmode=disable"),
            "postgres://tryg@127.0.0.1:5433/register"
        );
        assert!(!describe("postgres://u:pw@h/db").contains("pw"));
    }

    #[test]
    fn copy_text_escapes_what_would_split_a_row() {
        let mut out = Vec::new();
        copy_text(&Value::from("a\tb\nc\\d"), &mut out);
        assert_eq!(out, b"a\\tb\\nc\\\\d");
        out.clear();
        copy_text(&Value::Text(None), &mut out);
        assert_eq!(out, b"\\N");
    }
}
