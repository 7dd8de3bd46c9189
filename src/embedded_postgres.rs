//! A private PostgreSQL cluster for running lotgate without a `DATABASE_URL`.
//!
//! It is a real PostgreSQL started from the server binaries installed on the machine,
//! with its data in a directory of ours and its socket inside that directory, so it never
//! collides with another server on the machine and needs no TCP port.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use thiserror::Error;

/// The role and database the private cluster is created with.
pub const SUPERUSER: &str = "lotgate";
/// Unix socket paths are limited to 107 bytes; the socket file adds this many.
const SOCKET_FILE: &str = ".s.PGSQL.5432";

#[derive(Debug, Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or in \
         /usr/lib/postgresql/*/bin: install them with `apt-get install postgresql` or set DATABASE_URL"
    )]
    BinariesMissing,
    #[error(
        "running as root, but no unprivileged user (postgres or nobody) exists to run PostgreSQL"
    )]
    NoUnprivilegedUser,
    #[error(
        "the data directory path {0} is too long for a Unix socket; choose a shorter --data-dir"
    )]
    PathTooLong(PathBuf),
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// A started private cluster. Dropping it leaves the server running; call [`stop`].
///
/// [`stop`]: EmbeddedPostgres::stop
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    run_as: Option<(u32, u32)>,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use, then starts it unless it is already running.
    pub fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let bin_dir = find_server_binaries().ok_or(EmbeddedError::BinariesMissing)?;
        fs::create_dir_all(data_dir).map_err(|e| io(data_dir, e))?;
        let data_dir = fs::canonicalize(data_dir).map_err(|e| io(data_dir, e))?;
        if data_dir.join(SOCKET_FILE).as_os_str().len() > 107 {
            return Err(EmbeddedError::PathTooLong(data_dir));
        }
        let run_as = unprivileged_user_if_root()?;
        let pg = EmbeddedPostgres {
            bin_dir,
            data_dir,
            run_as,
        };
        pg.prepare_directory()?;
        if !pg.data_dir.join("PG_VERSION").exists() {
            pg.initdb()?;
        }
        if !pg.is_running() {
            pg.pg_ctl(&["start", "-w", "-t", "60", "-o", &pg.server_options()])?;
        }
        Ok(pg)
    }

    /// A libpq URL for `database` on this cluster's socket.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgresql:///{database}?host={}&user={SUPERUSER}",
            percent_encode(&self.data_dir.to_string_lossy())
        )
    }

    /// Stops the server, letting it finish a checkpoint ("fast" shutdown).
    pub fn stop(&self) -> Result<(), EmbeddedError> {
        if self.is_running() {
            self.pg_ctl(&["stop", "-w", "-m", "fast"])?;
        }
        Ok(())
    }

    fn is_running(&self) -> bool {
        self.run(self.bin_dir.join("pg_ctl"), &["status", "-D"], true)
            .is_ok_and(|out| out.status.success())
    }

    fn prepare_directory(&self) -> Result<(), EmbeddedError> {
        let dir = &self.data_dir;
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(dir, Some(uid), Some(gid)).map_err(|e| io(dir, e))?;
        }
        // initdb and postgres insist on a data directory only its owner can enter.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| io(dir, e))
    }

    fn initdb(&self) -> Result<(), EmbeddedError> {
        let args = [
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
        ];
        let out = self.run(self.bin_dir.join("initdb"), &args, true)?;
        check("initdb", out)
    }

    fn server_options(&self) -> String {
        format!(
            "-c listen_addresses='' -c unix_socket_directories='{}'",
            self.data_dir.display()
        )
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), EmbeddedError> {
        let log = self.data_dir.join("server.log");
        let mut all: Vec<&str> = args.to_vec();
        let log = log.to_string_lossy().into_owned();
        all.extend(["-l", &log, "-D"]);
        let out = self.run(self.bin_dir.join("pg_ctl"), &all, true)?;
        check(&format!("pg_ctl {}", args[0]), out)
    }

    /// Runs a server binary as the unprivileged user; `with_dir` appends the data dir.
    fn run(
        &self,
        program: PathBuf,
        args: &[&str],
        with_dir: bool,
    ) -> Result<Output, EmbeddedError> {
        let mut cmd = Command::new(&program);
        cmd.args(args);
        if with_dir {
            cmd.arg(&self.data_dir);
        }
        // Run from a directory the unprivileged user may enter.
        cmd.current_dir(&self.data_dir);
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
        }
        cmd.output().map_err(|e| io(&program, e))
    }
}

fn check(what: &str, out: Output) -> Result<(), EmbeddedError> {
    if out.status.success() {
        return Ok(());
    }
    let detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let detail = if detail.is_empty() {
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    } else {
        detail
    };
    Err(EmbeddedError::Command {
        what: what.to_string(),
        detail,
    })
}

fn io(path: &Path, e: std::io::Error) -> EmbeddedError {
    EmbeddedError::Io(path.display().to_string(), e)
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`: first on PATH, then the
/// newest major version under `/usr/lib/postgresql`.
pub fn find_server_binaries() -> Option<PathBuf> {
    let has_all = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|d| has_all(d)) {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            Some((major, e.path().join("bin")))
        })
        .filter(|(_, bin)| has_all(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// PostgreSQL refuses to run as root; as root we run it as `postgres` or `nobody`.
fn unprivileged_user_if_root() -> Result<Option<(u32, u32)>, EmbeddedError> {
    let meta = fs::metadata("/proc/self").map_err(|e| io(Path::new("/proc/self"), e))?;
    if std::os::unix::fs::MetadataExt::uid(&meta) != 0 {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").map_err(|e| io(Path::new("/etc/passwd"), e))?;
    for wanted in ["postgres", "nobody"] {
        for line in passwd.lines() {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() > 3
                && fields[0] == wanted
                && let (Ok(uid), Ok(gid)) = (fields[2].parse(), fields[3].parse())
            {
                return Ok(Some((uid, gid)));
            }
        }
    }
    Err(EmbeddedError::NoUnprivilegedUser)
}

/// Percent-encodes everything but unreserved characters and `/`, for a libpq URL query.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn a_socket_path_with_spaces_is_percent_encoded() {
        assert_eq!(percent_encode("/srv/my data/pg"), "/srv/my%20data/pg");
    }
}
