//! Persistence: an embedded SQLite database (`{data_dir}/emulator.sqlite3`, or in memory).
//! Each table holds one record kind as `(id TEXT PRIMARY KEY, data TEXT)` with `data` the
//! record's JSON. `PRAGMA user_version` carries the schema version: a newer one is refused,
//! an older one migrated. Writes that belong together go through [`Store::apply`], one
//! transaction.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection};
use serde::{de::DeserializeOwned, Serialize};

/// Every table the emulator persists.
pub const TABLES: &[&str] = &[
    "users",
    "organizations",
    "memberships",
    "sessions",
    "refresh_tokens",
    "signing_keys",
    "meta",
    "invitations",
];

/// The schema this emulator writes. Version 0 is a data dir from before versioning (the same
/// tables; refresh-token records without a sealed grace successor); version 2 adds the sealed
/// successors; version 3 adds the `invitations` table (and users may carry a TOTP factor).
pub const SCHEMA_VERSION: i64 = 3;

/// How long a write waits for a lock held by another process before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A persistence failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite said no.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored row is not valid JSON for its kind.
    #[error("stored record is corrupt: {0}")]
    Json(#[from] serde_json::Error),
    /// The data dir could not be created.
    #[error("data dir: {0}")]
    Io(#[from] std::io::Error),
    /// The database was written by a newer emulator.
    #[error(
        "it was written by a newer authkit-emulator (schema version {found}; this one \
         understands up to {SCHEMA_VERSION}). Use a newer emulator, or another --data-dir"
    )]
    NewerSchema {
        /// The version found.
        found: i64,
    },
}

/// One write of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Insert or replace `data` (JSON) under `id`.
    Put {
        /// Table.
        table: &'static str,
        /// Key.
        id: String,
        /// The record's JSON.
        data: String,
    },
    /// Delete `id`.
    Delete {
        /// Table.
        table: &'static str,
        /// Key.
        id: String,
    },
    /// Delete every record of a table.
    Clear {
        /// Table.
        table: &'static str,
    },
}

impl Write {
    /// A put of `value` as JSON.
    pub fn put<T: Serialize>(table: &'static str, id: &str, value: &T) -> Result<Self, StoreError> {
        Ok(Self::Put {
            table,
            id: id.to_string(),
            data: serde_json::to_string(value)?,
        })
    }
}

/// The database handle.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// An in-memory database (nothing survives the process).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Open (or create) `{dir}/emulator.sqlite3`, migrating an older schema.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let conn = Connection::open(dir.join("emulator.sqlite3"))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL survives a crash of the process (not of the machine).
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::init(conn)
    }

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { found });
        }
        if found < SCHEMA_VERSION {
            let tx = conn.transaction()?;
            for t in TABLES {
                tx.execute(
                    &format!(
                        "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, data TEXT NOT NULL)"
                    ),
                    [],
                )?;
            }
            // 0 → 3, 2 → 3: the records read as they are (the successor and the TOTP factor
            // are optional); the invitations table is created above.
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        }
        Ok(Self { conn })
    }

    /// Apply `writes` in one transaction: all of them, or (on an error) none.
    pub fn apply(&mut self, writes: &[Write]) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for w in writes {
            match w {
                Write::Put { table, id, data } => tx.execute(
                    &format!("INSERT OR REPLACE INTO {table} (id, data) VALUES (?1, ?2)"),
                    params![id, data],
                )?,
                Write::Delete { table, id } => {
                    tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), params![id])?
                }
                Write::Clear { table } => tx.execute(&format!("DELETE FROM {table}"), [])?,
            };
        }
        tx.commit()?;
        Ok(())
    }

    /// Load every record of a table.
    pub fn load<T: DeserializeOwned>(&self, table: &str) -> Result<Vec<T>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT data FROM {table} ORDER BY rowid"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
impl Store {
    /// Run raw SQL (to break the database on purpose).
    pub(crate) fn execute_batch_for_tests(&self, sql: &str) {
        self.conn.execute_batch(sql).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(store: &Store, table: &str) -> i64 {
        store
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_failing_write_rolls_back_the_whole_transaction() {
        let mut store = Store::in_memory().unwrap();
        let ok = Write::put("users", "u1", &serde_json::json!({"id": "u1"})).unwrap();
        let bad = Write::Put {
            table: "no_such_table",
            id: "x".into(),
            data: "{}".into(),
        };
        assert!(store.apply(&[ok.clone(), bad]).is_err());
        assert_eq!(count(&store, "users"), 0, "the first write was rolled back");
        store.apply(&[ok]).unwrap();
        assert_eq!(count(&store, "users"), 1);
    }

    #[test]
    fn the_schema_version_is_stamped_and_a_newer_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join("emulator.sqlite3")).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { found } if found == SCHEMA_VERSION + 1));
    }
}
