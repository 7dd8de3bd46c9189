//! A private PostgreSQL cluster for running lotgate without a `DATABASE_URL`.
//!
//! It is a real PostgreSQL started from the server binaries installed on the machine,
//! with its data in a directory of ours and its socket inside that directory, so it never
//! collides with another server on the machine and needs no TCP port.
//!
//! Several lotgate processes may use one cluster at once (a `serve`, a nightly `backup`,
//! a `token create`): each connects to the server it finds running, and only the process
//! that started the server stops it, once no other lotgate process uses it. Lock files
//! beside the data directory (`<dir>.start.lock`, `<dir>.users.lock`, `<dir>.serve.lock`)
//! keep that bookkeeping; the kernel releases them when a process dies.

mod locks;
mod user;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection};
use thiserror::Error;

use locks::{Deciding, UsersLease};
pub use locks::{ServingLock, claim_for_serving};
use user::{RunAs, unprivileged_user_if_root};

/// The role and database the private cluster is created with.
pub const SUPERUSER: &str = "lotgate";
/// Unix socket paths are limited to 107 bytes; the socket file adds this many.
const SOCKET_FILE: &str = ".s.PGSQL.5432";
/// How long a server that is running (or starting) may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

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
    #[error("{}", user::unreachable_message(.user, .data_dir, .closed.as_deref()))]
    Unreachable {
        /// The unprivileged user PostgreSQL runs as.
        user: String,
        data_dir: PathBuf,
        /// The first directory on the way that does not let `user` through, when the
        /// permission bits say which one.
        closed: Option<PathBuf>,
    },
    #[error(
        "another `lotgate serve` ({}) is already serving the private PostgreSQL in {}; \
         stop it first, or give this one another --data-dir (or a DATABASE_URL)",
        .pid.map_or_else(|| "process id unknown".to_string(), |p| format!("process {p}")),
        .data_dir.display()
    )]
    AlreadyServing { data_dir: PathBuf, pid: Option<u32> },
    #[error(
        "PostgreSQL in {} is running (see postmaster.pid) but does not accept connections on \
         its socket: {detail}; if no PostgreSQL runs there any more, remove {}/postmaster.pid",
        .data_dir.display(), .data_dir.display()
    )]
    NotAnswering { data_dir: PathBuf, detail: String },
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// A private cluster this process uses: one it started, or one it found running (another
/// lotgate serving, or a command still at work). While the handle lives it counts as a
/// user of the cluster, so that no other lotgate process stops the cluster under it.
/// Dropping it leaves the server running; [`stop`] stops it if this process started it
/// and no other lotgate process still uses it.
///
/// [`stop`]: EmbeddedPostgres::stop
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    run_as: Option<RunAs>,
    started_here: bool,
    lease: UsersLease,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use, then connects to the server running in the
    /// data directory, or starts it when none runs.
    pub fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let bin_dir = find_server_binaries().ok_or(EmbeddedError::BinariesMissing)?;
        let data_dir = locate(data_dir)?;
        if data_dir.join(SOCKET_FILE).as_os_str().len() > 107 {
            return Err(EmbeddedError::PathTooLong(data_dir));
        }
        let run_as = unprivileged_user_if_root()?;
        // Starting and stopping are decided one process at a time, so two commands never
        // both start the server, and none stops it while another is deciding to use it.
        let _deciding = Deciding::wait(&data_dir)?;
        let lease = UsersLease::take(&data_dir)?;
        let mut pg = EmbeddedPostgres {
            bin_dir,
            data_dir,
            run_as,
            started_here: false,
            lease,
        };
        pg.prepare_directory()?;
        if let Some(user) = &pg.run_as {
            user::check_reachable(user, &pg.bin_dir.join("pg_ctl"), &pg.data_dir)?;
        }
        if !pg.data_dir.join("PG_VERSION").exists() {
            pg.initdb()?;
        }
        if pg.is_running()? {
            pg.wait_until_answering()?;
        } else {
            pg.pg_ctl(&["start", "-w", "-t", "60", "-o", &pg.server_options()])?;
            pg.started_here = true;
        }
        Ok(pg)
    }

    /// Whether this process started the server (else it found it running).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// The data directory, absolute.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A libpq URL for `database` on this cluster's socket.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgresql:///{database}?host={}&user={SUPERUSER}",
            percent_encode(&self.data_dir.to_string_lossy())
        )
    }

    /// Stops the server, letting it finish a checkpoint ("fast" shutdown), when this
    /// process started it and no other lotgate process uses it; returns whether it did.
    /// A server found running is somebody else's (a `lotgate serve`, or a command that
    /// is still at work) and is left running.
    pub fn stop(self) -> Result<bool, EmbeddedError> {
        if !self.started_here {
            return Ok(false);
        }
        let _deciding = Deciding::wait(&self.data_dir)?;
        if !self.lease.is_the_only_one()? {
            log::info!(
                "private PostgreSQL in {} left running: another lotgate process uses it",
                self.data_dir.display()
            );
            return Ok(false);
        }
        if !self.is_running()? {
            return Ok(false);
        }
        self.pg_ctl(&["stop", "-w", "-m", "fast"])?;
        Ok(true)
    }

    fn is_running(&self) -> Result<bool, EmbeddedError> {
        // Exit status 0: a postmaster.pid names a live process; 3: no server runs.
        let out = self.run(self.bin_dir.join("pg_ctl"), &["status", "-D"], true)?;
        Ok(out.status.success())
    }

    /// A server that is running may still be starting up (or recovering after a crash).
    fn wait_until_answering(&self) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match PgConnection::establish(&self.url("postgres")) {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() >= deadline => {
                    return Err(EmbeddedError::NotAnswering {
                        data_dir: self.data_dir.clone(),
                        detail: e.to_string().trim().to_string(),
                    });
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    fn prepare_directory(&self) -> Result<(), EmbeddedError> {
        let dir = &self.data_dir;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid))
                .map_err(|e| io(dir, e))?;
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
        if let Some(user) = &self.run_as {
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd.output().map_err(|e| io(&program, e))
    }
}

/// Creates the data directory when missing and returns its absolute path.
fn locate(data_dir: &Path) -> Result<PathBuf, EmbeddedError> {
    fs::create_dir_all(data_dir).map_err(|e| io(data_dir, e))?;
    fs::canonicalize(data_dir).map_err(|e| io(data_dir, e))
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
