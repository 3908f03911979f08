//! Persistence: an embedded SQLite database (`{data_dir}/emulator.sqlite3`, or in memory).
//! Each table holds one record kind as `(id TEXT PRIMARY KEY, data TEXT)` with `data` the
//! record's JSON, which keeps the schema trivially forward-compatible.

use std::path::Path;

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
];

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

    /// Open (or create) `{dir}/emulator.sqlite3`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let conn = Connection::open(dir.join("emulator.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::init(conn)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        for t in TABLES {
            conn.execute(
                &format!(
                    "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, data TEXT NOT NULL)"
                ),
                [],
            )?;
        }
        Ok(Self { conn })
    }

    /// Insert or replace a record.
    pub fn put<T: Serialize>(&self, table: &str, id: &str, value: &T) -> Result<(), StoreError> {
        let data = serde_json::to_string(value)?;
        self.conn.execute(
            &format!("INSERT OR REPLACE INTO {table} (id, data) VALUES (?1, ?2)"),
            params![id, data],
        )?;
        Ok(())
    }

    /// Delete a record.
    pub fn delete(&self, table: &str, id: &str) -> Result<(), StoreError> {
        self.conn
            .execute(&format!("DELETE FROM {table} WHERE id = ?1"), params![id])?;
        Ok(())
    }

    /// Delete every record of a table.
    pub fn clear(&self, table: &str) -> Result<(), StoreError> {
        self.conn.execute(&format!("DELETE FROM {table}"), [])?;
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
