//! The one-command run: `lotgate serve --demo` without DATABASE_URL starts a private
//! PostgreSQL, serves the demo, stops cleanly on SIGTERM and keeps its data.

use std::path::Path;
use std::process::Child;

use crate::wire::{free_port, get, signal, start as start_lotgate, wait_until_ready};

fn start(data_dir: &Path, port: u16) -> Child {
    start_lotgate(port, None, Some(data_dir), &["--demo"])
}

fn terminate(mut child: Child) {
    signal(&child, "-TERM");
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
