//! The user PostgreSQL runs as. PostgreSQL refuses to run as root, so lotgate run as
//! root runs the server as an unprivileged user, who must be able to reach the data
//! directory: every directory above it needs search permission for that user.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{EmbeddedError, io};

/// The unprivileged user the server runs as when lotgate runs as root.
#[derive(Debug, Clone)]
pub(super) struct RunAs {
    pub(super) name: String,
    pub(super) uid: u32,
    pub(super) gid: u32,
}

/// `postgres`, else `nobody`, when this process runs as root; `None` otherwise.
pub(super) fn unprivileged_user_if_root() -> Result<Option<RunAs>, EmbeddedError> {
    let meta = fs::metadata("/proc/self").map_err(|e| io(Path::new("/proc/self"), e))?;
    if meta.uid() != 0 {
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
                return Ok(Some(RunAs {
                    name: wanted.to_string(),
                    uid,
                    gid,
                }));
            }
        }
    }
    Err(EmbeddedError::NoUnprivilegedUser)
}

/// Checks that `user` can enter `data_dir`, by starting `pg_ctl --version` there as that
/// user. Without this check the failure would name the program that could not start
/// (`initdb: Permission denied`), not the directory.
pub(super) fn check_reachable(
    user: &RunAs,
    pg_ctl: &Path,
    data_dir: &Path,
) -> Result<(), EmbeddedError> {
    let probe = |dir: &Path| {
        Command::new(pg_ctl)
            .arg("--version")
            .current_dir(dir)
            .uid(user.uid)
            .gid(user.gid)
            .output()
    };
    match probe(data_dir) {
        Ok(_) => Ok(()),
        // Denied from / too: the program is the problem, not the directory.
        Err(e)
            if e.kind() == std::io::ErrorKind::PermissionDenied
                && probe(Path::new("/")).is_ok() =>
        {
            Err(EmbeddedError::Unreachable {
                user: user.name.clone(),
                data_dir: data_dir.to_path_buf(),
                closed: first_closed_directory(data_dir, user),
            })
        }
        Err(e) => Err(io(pg_ctl, e)),
    }
}

/// The first directory above `data_dir`, from the root down, whose permission bits do
/// not let `user` search it (ACLs aside).
fn first_closed_directory(data_dir: &Path, user: &RunAs) -> Option<PathBuf> {
    let mut above: Vec<&Path> = data_dir.ancestors().skip(1).collect();
    above.reverse();
    above.into_iter().find_map(|dir| {
        let meta = fs::metadata(dir).ok()?;
        let search = if meta.uid() == user.uid {
            0o100
        } else if meta.gid() == user.gid {
            0o010
        } else {
            0o001
        };
        (meta.mode() & search == 0).then(|| dir.to_path_buf())
    })
}

/// The text of [`EmbeddedError::Unreachable`]: the directory, and the two ways out.
pub(super) fn unreachable_message(user: &str, data_dir: &Path, closed: Option<&Path>) -> String {
    let (through, fix) = match closed {
        Some(dir) => (
            format!(" ({} does not let it through)", dir.display()),
            format!("chmod o+x {}", dir.display()),
        ),
        None => (String::new(), "chmod o+x DIR".to_string()),
    };
    format!(
        "PostgreSQL runs as the user {user}, which cannot reach the data directory {}{through}: \
         run `{fix}` (every parent directory needs search permission for {user}), or choose a \
         --data-dir that {user} can reach, such as /var/lib/lotgate/postgres",
        data_dir.display()
    )
}
