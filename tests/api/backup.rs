//! `lotgate backup` and `lotgate restore`: every row of every table survives the round
//! trip, and a restore never lands on a database that already holds data.

use std::process::Command;

use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl};

use crate::support::TestDb;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName, PartialEq, Debug)]
struct Fingerprint {
    #[diesel(sql_type = BigInt)]
    rows: i64,
    #[diesel(sql_type = Text)]
    digest: String,
}

/// Per table: the number of rows and an MD5 of all rows in a fixed order.
fn fingerprints(conn: &mut PgConnection) -> Vec<(String, Fingerprint)> {
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .load(conn)
    .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let sql = format!(
                "SELECT count(*) AS rows, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM \"{}\" t",
                t.name
            );
            let fp: Fingerprint = diesel::sql_query(sql).get_result(conn).unwrap();
            (t.name, fp)
        })
        .collect()
}

fn lotgate(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run lotgate")
}

#[test]
fn a_backup_restores_every_row_of_every_table_into_an_empty_database() {
    let source = TestDb::new();
    assert!(lotgate::demo::load(&source.pool).unwrap());
    let file =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}.dump", source.name()));
    let target = TestDb::empty();

    let backup = lotgate(&source.url(), &["backup", "--out", file.to_str().unwrap()]);
    let restore = lotgate(
        &target.url(),
        &["restore", "--from", file.to_str().unwrap()],
    );

    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    let before = fingerprints(&mut source.pool.get().unwrap());
    let after = fingerprints(&mut target.pool.get().unwrap());
    assert!(
        before
            .iter()
            .any(|(t, fp)| t == "measurements" && fp.rows > 1000),
        "the demo has measurements"
    );
    assert_eq!(before, after);
    assert!(
        before
            .iter()
            .any(|(t, fp)| t == "audit_events" && fp.rows > 100),
        "the demo is in the audit trail"
    );
    let verified = lotgate(&target.url(), &["audit", "verify"]);
    assert!(
        verified.status.success(),
        "the restored audit chain: {}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let _ = std::fs::remove_file(file);
}

#[test]
fn restore_refuses_a_database_that_already_holds_data() {
    let source = TestDb::new();
    let file =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}.dump", source.name()));
    assert!(
        lotgate(&source.url(), &["backup", "--out", file.to_str().unwrap()])
            .status
            .success()
    );

    let restore = lotgate(
        &source.url(),
        &["restore", "--from", file.to_str().unwrap()],
    );

    assert!(!restore.status.success());
    assert!(String::from_utf8_lossy(&restore.stderr).contains("not empty"));
    let _ = std::fs::remove_file(file);
}
