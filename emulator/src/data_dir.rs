//! The data dir: one emulator at a time. `{dir}/emulator.lock` is held with an OS file lock
//! (released by the kernel when the process dies, even by SIGKILL) and names the holder's pid.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use fs4::TryLockError;

use crate::store::{Store, StoreError};

/// Name of the lock file inside the data dir.
pub const LOCK_FILE: &str = "emulator.lock";

/// Why a data dir could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataDirError {
    /// Another emulator holds the lock.
    #[error(
        "another authkit-emulator ({holder}) is using the data dir {dir}. Stop it, or start \
         this one with another --data-dir (or --in-memory)"
    )]
    Busy {
        /// The data dir.
        dir: String,
        /// `pid N`, or `pid unknown`.
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock the data dir {dir}: {source}")]
    Lock {
        /// The data dir.
        dir: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The database could not be opened.
    #[error("cannot use the data dir {dir}: {source}")]
    Store {
        /// The data dir.
        dir: String,
        /// Cause.
        source: StoreError,
    },
}

/// The held lock; dropping it releases the data dir.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Take the data dir's lock, then open its database.
pub fn open(dir: &Path) -> Result<(DataDirLock, Store), DataDirError> {
    let shown = dir.display().to_string();
    let lock_err = |source| DataDirError::Lock {
        dir: shown.clone(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(lock_err)?;
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(lock_err)?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let holder = match text.trim().parse::<u32>() {
                Ok(pid) => format!("pid {pid}"),
                Err(_) => "pid unknown".to_string(),
            };
            return Err(DataDirError::Busy { dir: shown, holder });
        }
        Err(TryLockError::Error(e)) => return Err(lock_err(e)),
    }
    file.set_len(0).map_err(lock_err)?;
    file.rewind().map_err(lock_err)?;
    writeln!(file, "{}", std::process::id()).map_err(lock_err)?;
    file.flush().map_err(lock_err)?;
    let store = Store::open(dir).map_err(|source| DataDirError::Store {
        dir: shown.clone(),
        source,
    })?;
    Ok((DataDirLock { _file: file, path }, store))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_opener_is_told_the_holders_pid_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let (lock, _store) = open(dir.path()).unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        match open(dir.path()) {
            Err(DataDirError::Busy { holder, .. }) => {
                assert_eq!(holder, format!("pid {}", std::process::id()))
            }
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(lock);
        assert!(open(dir.path()).is_ok());
    }
}
