//! The one-command run: `lotgate serve --demo` without DATABASE_URL starts a private
//! PostgreSQL, serves the demo, stops cleanly on SIGTERM and keeps its data.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data_dir: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .args([
            "serve",
            "--demo",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start lotgate")
}

/// A plain HTTP/1.1 GET; returns the status and the JSON body.
fn get(port: u16, path: &str) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1;
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

fn wait_until_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Some((200, _)) = get(port, "/readyz") {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("lotgate exited early with {status}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("lotgate did not become ready");
}

fn terminate(mut child: Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "lotgate exited with {status} after SIGTERM"
    );
}

fn lot_numbers(port: u16) -> Vec<String> {
    let (status, body) = get(port, "/api/v1/lots?limit=200").expect("list lots");
    assert_eq!(status, 200);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lot_number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn serves_the_demo_on_a_private_postgres_and_keeps_it_across_a_restart() {
    let data_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-{}", uuid::Uuid::new_v4().simple()));
    let port = free_port();

    let mut first = start(&data_dir, port);
    wait_until_ready(port, &mut first);
    let before = lot_numbers(port);
    terminate(first);
    let postmaster_left = data_dir.join("postmaster.pid").exists();
    let mut second = start(&data_dir, port);
    wait_until_ready(port, &mut second);
    let after = lot_numbers(port);
    terminate(second);

    assert!(
        before.len() >= 12,
        "the demo has at least 12 lots, got {}",
        before.len()
    );
    assert!(!postmaster_left, "PostgreSQL was not stopped on SIGTERM");
    assert_eq!(before, after);
    let _ = std::fs::remove_dir_all(&data_dir);
}
