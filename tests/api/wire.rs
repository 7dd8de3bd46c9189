//! A minimal HTTP/1.1 client over TCP, for tests that run the real `lotgate` binary.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends one request with a bearer token (none when empty); `None` when the connection
/// failed (server down or killed).
pub fn request(
    port: u16,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1;
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

pub fn get(port: u16, token: &str, path: &str) -> Option<(u16, Value)> {
    request(port, token, "GET", path, None)
}

/// Starts `lotgate serve` on `port`, on DATABASE_URL or a private cluster in `data_dir`.
pub fn start(
    port: u16,
    database_url: Option<&str>,
    data_dir: Option<&Path>,
    extra: &[&str],
) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lotgate"));
    cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(extra);
    match database_url {
        Some(url) => cmd.env("DATABASE_URL", url),
        None => cmd.env_remove("DATABASE_URL"),
    };
    if let Some(dir) = data_dir {
        cmd.arg("--data-dir").arg(dir);
    }
    cmd.env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start lotgate")
}

pub fn wait_until_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Some((200, _)) = get(port, "", "/readyz") {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("lotgate exited early with {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("lotgate did not become ready");
}

pub fn signal(child: &Child, signal: &str) {
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
}
