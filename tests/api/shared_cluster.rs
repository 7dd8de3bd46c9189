//! The command line beside a running server: every command that uses the private
//! PostgreSQL connects to the one running in the data directory and stops only a server
//! it started itself; a second `serve` on the same data directory is refused; a data
//! directory PostgreSQL's user cannot reach is named with the fix. Drives the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::wire::{free_port, get, signal, wait_until_ready};

fn data_dir(what: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{what}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    ))
}

fn lotgate(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lotgate"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    cmd
}

/// Runs a command to its end, with its output.
fn run(data_dir: &Path, args: &[&str]) -> Output {
    lotgate(data_dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run lotgate")
}

fn serve(data_dir: &Path, port: u16) -> std::process::Child {
    lotgate(data_dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start lotgate serve")
}

/// The process id of the PostgreSQL server running in `data_dir`, if one is.
fn postmaster(data_dir: &Path) -> Option<u32> {
    std::fs::read_to_string(data_dir.join("postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Stops a server left running ("fast" shutdown, as `pg_ctl stop -m fast` sends).
fn stop_postmaster(data_dir: &Path) {
    if let Some(pid) = postmaster(data_dir) {
        let _ = Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while postmaster(data_dir).is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The output of a process that should exit by itself; `None` (and the process killed)
/// when it is still running after `patience`.
fn refused_within(mut child: std::process::Child, patience: Duration) -> Option<Output> {
    let deadline = Instant::now() + patience;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(child.wait_with_output().unwrap())
}

/// Removes a data directory and the lock files beside it.
pub fn remove(data_dir: &Path) {
    let _ = std::fs::remove_dir_all(data_dir);
    for lock in ["start", "users", "serve"] {
        let name = data_dir.file_name().unwrap().to_string_lossy();
        let _ = std::fs::remove_file(data_dir.with_file_name(format!("{name}.{lock}.lock")));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_beside_a_running_server_uses_its_postgres_and_leaves_it_serving() {
    let dir = data_dir("beside");
    let port = free_port();
    let mut server = serve(&dir, port);
    wait_until_ready(port, &mut server);
    let postgres = postmaster(&dir);
    let created = run(
        &dir,
        &["token", "create", "--name", "QA", "--role", "admin"],
    );
    let token = text(&created.stdout).trim().to_string();
    let backup = dir.with_extension("dump");
    let csv = dir.with_extension("csv");
    std::fs::write(&csv, "unit,serial\n").unwrap();
    let lot = uuid::Uuid::new_v4().to_string();
    let commands: Vec<(Vec<&str>, bool)> = vec![
        (vec!["token", "list"], true),
        (vec!["audit", "verify"], true),
        (vec!["backup", "--out", backup.to_str().unwrap()], true),
        (vec!["migrate"], true),
        (vec!["demo"], true),
        // Both fail (no such lot; the database is not empty), and must still leave the
        // server alone.
        (
            vec![
                "import",
                "--lot",
                &lot,
                "--file",
                csv.to_str().unwrap(),
                "--inspector",
                "Ana",
            ],
            false,
        ),
        (vec!["restore", "--from", backup.to_str().unwrap()], false),
    ];

    let mut outcomes = Vec::new();
    for (args, _) in &commands {
        let out = run(&dir, args);
        let served = get(port, &token, "/api/v1/lots").map(|(status, _)| status);
        outcomes.push((args[0], out.status.success(), text(&out.stderr), served));
    }
    let postgres_after = postmaster(&dir);
    signal(&server, "-TERM");
    let stopped = server.wait().unwrap();
    let postgres_left = postmaster(&dir);
    stop_postmaster(&dir);
    remove(&dir);
    let _ = std::fs::remove_file(&backup);
    let _ = std::fs::remove_file(&csv);

    assert!(
        created.status.success() && token.starts_with("lgt_"),
        "token create beside the server: {}",
        text(&created.stderr)
    );
    for ((command, succeeded, stderr, served), (_, should_succeed)) in
        outcomes.iter().zip(&commands)
    {
        assert_eq!(
            succeeded, should_succeed,
            "lotgate {command} succeeded: {succeeded}; stderr: {stderr}"
        );
        assert_eq!(
            *served,
            Some(200),
            "the server stopped serving after `lotgate {command}`; its stderr: {stderr}"
        );
    }
    assert!(postgres.is_some());
    assert_eq!(
        postgres, postgres_after,
        "the server's PostgreSQL was restarted"
    );
    assert!(stopped.success(), "serve exited with {stopped} on SIGTERM");
    assert_eq!(
        postgres_left, None,
        "serve started the PostgreSQL and stops it on SIGTERM"
    );
}

#[test]
fn a_second_serve_on_the_same_data_directory_is_refused_and_disturbs_nothing() {
    let dir = data_dir("twice");
    let port = free_port();
    let mut first = serve(&dir, port);
    wait_until_ready(port, &mut first);
    let postgres = postmaster(&dir);
    let issued = run(
        &dir,
        &["token", "create", "--name", "QA", "--role", "inspector"],
    );
    let token = text(&issued.stdout).trim().to_string();

    let second = refused_within(serve(&dir, free_port()), Duration::from_secs(60));
    let served = get(port, &token, "/api/v1/lots").map(|(status, _)| status);
    let postgres_after = postmaster(&dir);
    signal(&first, "-TERM");
    first.wait().unwrap();
    stop_postmaster(&dir);
    let canonical = std::fs::canonicalize(&dir).unwrap_or(dir.clone());
    remove(&dir);

    let second = second.expect("the second serve was not refused: it kept running");
    let message = text(&second.stderr);
    assert!(
        !second.status.success(),
        "the second serve exited with success"
    );
    assert!(
        message.contains("already serving")
            && message.contains(&canonical.display().to_string())
            && message.contains(&format!("process {}", first.id())),
        "the refusal names the data directory and the serving process: {message}"
    );
    assert_eq!(served, Some(200), "the first serve was disturbed");
    assert_eq!(postgres, postgres_after, "its PostgreSQL was restarted");
}

#[test]
fn a_command_stops_a_postgres_it_started_and_leaves_one_it_found_running() {
    let dir = data_dir("alone");

    let alone = run(&dir, &["token", "list"]);
    let left_after_alone = postmaster(&dir);
    let found = lotgate::embedded_postgres::EmbeddedPostgres::start(&dir).unwrap();
    let running = postmaster(&dir);
    let beside = run(&dir, &["token", "list"]);
    let left_after_beside = postmaster(&dir);
    let stopped = found.stop().unwrap();
    remove(&dir);

    assert!(alone.status.success(), "{}", text(&alone.stderr));
    assert_eq!(left_after_alone, None, "a command stops what it started");
    assert!(beside.status.success(), "{}", text(&beside.stderr));
    assert!(running.is_some());
    assert_eq!(
        left_after_beside, running,
        "a command leaves a PostgreSQL it found running"
    );
    assert!(stopped, "the one who started it stops it");
}

#[test]
fn commands_run_at_once_on_a_stopped_cluster_all_succeed() {
    let dir = data_dir("together");
    // Initialise the cluster first, so the four race to start it rather than to create it.
    assert!(run(&dir, &["migrate"]).status.success());

    let children: Vec<_> = (0..4)
        .map(|_| {
            lotgate(&dir)
                .args(["audit", "verify"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    stop_postmaster(&dir);
    remove(&dir);

    for out in &outputs {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

#[test]
fn a_data_directory_postgres_cannot_reach_is_named_with_the_fix() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // PostgreSQL runs as an unprivileged user only when lotgate runs as root (as in CI).
    if !std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
        eprintln!("skipped: only meaningful when the tests run as root");
        return;
    }
    let closed = data_dir("closed");
    std::fs::create_dir_all(&closed).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
    let closed = std::fs::canonicalize(&closed).unwrap();
    let dir = closed.join("postgres");

    let out = run(&dir, &["migrate"]);
    remove(&dir);
    let _ = std::fs::remove_dir_all(&closed);

    let message = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        message.contains(&dir.display().to_string())
            && message.contains(&format!("chmod o+x {}", closed.display()))
            && message.contains("--data-dir"),
        "the error names the data directory and the fix: {message}"
    );
}
