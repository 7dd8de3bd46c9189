//! The one-command run: `lotgate serve --demo` without DATABASE_URL starts a private
//! PostgreSQL, serves the demo, stops cleanly on SIGTERM and keeps its data.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::wire::{free_port, get, signal, wait_until_ready};

/// Starts `lotgate serve --demo` and reads the demo tokens it prints, by role.
fn start(data_dir: &Path, port: u16) -> (Child, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start lotgate");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut tokens = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("try: curl") {
            break;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [role, token] = words[..] {
            tokens.push((role.to_string(), token.to_string()));
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    (child, tokens)
}

fn token_of<'a>(tokens: &'a [(String, String)], role: &str) -> &'a str {
    &tokens
        .iter()
        .find(|(r, _)| r == role)
        .expect("a demo token per role")
        .1
}

fn terminate(mut child: Child) {
    signal(&child, "-TERM");
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "lotgate exited with {status} after SIGTERM"
    );
}

fn lot_numbers(port: u16, token: &str) -> Vec<String> {
    let (status, body) = get(port, token, "/api/v1/lots?limit=200").expect("list lots");
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

    let (mut first, first_tokens) = start(&data_dir, port);
    wait_until_ready(port, &mut first);
    let before = lot_numbers(port, token_of(&first_tokens, "inspector"));
    terminate(first);
    let postmaster_left = data_dir.join("postmaster.pid").exists();
    let (mut second, second_tokens) = start(&data_dir, port);
    wait_until_ready(port, &mut second);
    let after = lot_numbers(port, token_of(&second_tokens, "admin"));
    let (old_token_status, _) =
        get(port, token_of(&first_tokens, "admin"), "/api/v1/lots").unwrap();
    let (anonymous_status, _) = get(port, "", "/api/v1/lots").unwrap();
    let (cached, announced) =
        revoke_behind_the_servers_back(&data_dir, port, token_of(&second_tokens, "reviewer"));
    terminate(second);

    assert!(
        before.len() >= 12,
        "the demo has at least 12 lots, got {}",
        before.len()
    );
    assert!(!postmaster_left, "PostgreSQL was not stopped on SIGTERM");
    assert_eq!(before, after);
    assert_eq!(
        old_token_status, 401,
        "the demo tokens of the previous start are revoked"
    );
    assert_eq!(anonymous_status, 401, "the demo API needs a token too");
    assert_eq!(cached, 200, "serve caches valid tokens");
    assert_eq!(announced, 401, "serve listens for token changes");
    crate::shared_cluster::remove(&data_dir);
}

/// Uses `token`, revokes it in the database without the trigger, then announces a token
/// change the way the trigger does. Returns the status of a request after each step:
/// 200 while the server trusts its cache, 401 once its listener has emptied it.
fn revoke_behind_the_servers_back(data_dir: &Path, port: u16, token: &str) -> (u16, u16) {
    use diesel::prelude::*;
    let url = format!(
        "postgresql:///lotgate?host={}&user={}",
        data_dir.display(),
        lotgate::embedded_postgres::SUPERUSER
    );
    let mut conn = PgConnection::establish(&url).expect("connect to the private cluster");
    // Twice: a first read that raced the listener going live is not kept.
    assert_eq!(get(port, token, "/api/v1/lots").unwrap().0, 200);
    assert_eq!(get(port, token, "/api/v1/lots").unwrap().0, 200);
    let hash = lotgate::auth::secret_sha256(token).to_vec();
    conn.transaction(|conn| {
        diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn)?;
        diesel::sql_query("UPDATE api_tokens SET revoked_at = now() WHERE token_sha256 = $1")
            .bind::<diesel::sql_types::Bytea, _>(&hash)
            .execute(conn)
    })
    .unwrap();
    let cached = get(port, token, "/api/v1/lots").unwrap().0;
    diesel::sql_query("NOTIFY lotgate_tokens")
        .execute(&mut conn)
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let status = get(port, token, "/api/v1/lots").unwrap().0;
        if status != 200 || std::time::Instant::now() > deadline {
            return (cached, status);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
