//! Which lotgate processes use a private cluster: lock files beside the data directory
//! (never inside it: initdb wants an empty directory, and the server's user owns it).
//! They are `flock`s, so the kernel releases them when a process dies, however it dies.
//!
//! - `<dir>.start.lock`: exclusive for a moment, while a process decides to start or to
//!   stop the server.
//! - `<dir>.users.lock`: shared by every lotgate process using the server.
//! - `<dir>.serve.lock`: exclusive for the life of a `lotgate serve`; holds its process id.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{EmbeddedError, io, locate};

/// Held while this process decides whether to start or stop the server; released when
/// dropped.
#[derive(Debug)]
pub(super) struct Deciding {
    _file: File,
}

impl Deciding {
    /// Waits for any other process deciding (starting the server can take a while).
    pub(super) fn wait(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let (file, path) = open(data_dir, "start")?;
        file.lock().map_err(|e| io(&path, e))?;
        Ok(Deciding { _file: file })
    }
}

/// This process's share in the server: while any lotgate process holds one, the server
/// is not stopped. Taken only while [`Deciding`], so a process about to stop the server
/// knows that nobody can take one between its check and its stop.
#[derive(Debug)]
pub(super) struct UsersLease {
    file: File,
    path: PathBuf,
}

impl UsersLease {
    pub(super) fn take(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let (file, path) = open(data_dir, "users")?;
        file.lock_shared().map_err(|e| io(&path, e))?;
        Ok(UsersLease { file, path })
    }

    /// Whether no other process holds a lease (call while [`Deciding`]). When another
    /// does, this lease may be lost: ask only on the way out.
    pub(super) fn is_the_only_one(&self) -> Result<bool, EmbeddedError> {
        match self.file.try_lock() {
            Ok(()) => Ok(true),
            Err(TryLockError::WouldBlock) => Ok(false),
            Err(TryLockError::Error(e)) => Err(io(&self.path, e)),
        }
    }
}

/// Held by `lotgate serve` for as long as it serves a private cluster, so that a second
/// `serve` on the same data directory is refused instead of sharing (and, on its way
/// out, perhaps stopping) the server. The lock file holds the serving process's id, for
/// the refusal to name it.
#[derive(Debug)]
pub struct ServingLock {
    _file: File,
}

/// Claims the data directory for this `serve`, or names the process serving it.
pub fn claim_for_serving(data_dir: &Path) -> Result<ServingLock, EmbeddedError> {
    let data_dir = locate(data_dir)?;
    let (mut file, path) = open(&data_dir, "serve")?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0).map_err(|e| io(&path, e))?;
            writeln!(file, "{}", std::process::id()).map_err(|e| io(&path, e))?;
            Ok(ServingLock { _file: file })
        }
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Err(EmbeddedError::AlreadyServing {
                data_dir,
                pid: text.trim().parse().ok(),
            })
        }
        Err(TryLockError::Error(e)) => Err(io(&path, e)),
    }
}

/// Opens (creating it) the lock file `<dir>.<what>.lock` beside the data directory.
fn open(data_dir: &Path, what: &str) -> Result<(File, PathBuf), EmbeddedError> {
    let name = data_dir.file_name().unwrap_or_default().to_string_lossy();
    let path = data_dir.with_file_name(format!("{name}.{what}.lock"));
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    Ok((file, path))
}
