//! Operating the database: the durability check at start-up, and backup and restore
//! with PostgreSQL's own `pg_dump` and `pg_restore`.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::sql_types::Text;
use diesel::{PgConnection, QueryableByName, RunQueryDsl};

use crate::embedded_postgres::find_server_binaries;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Server settings that trade acknowledged writes for speed. With any of them off, a
/// crash of PostgreSQL or of the machine can lose inspections lotgate already confirmed.
const DURABILITY_SETTINGS: [&str; 3] = ["fsync", "synchronous_commit", "full_page_writes"];

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    setting: String,
}

/// The durability settings that are off for this connection's database and role.
pub fn unsafe_settings(conn: &mut PgConnection) -> Result<Vec<String>, diesel::result::Error> {
    let mut off = Vec::new();
    for name in DURABILITY_SETTINGS {
        let rows: Vec<Setting> =
            diesel::sql_query(format!("SELECT current_setting('{name}') AS setting")).load(conn)?;
        if rows.first().is_some_and(|r| r.setting == "off") {
            off.push(name.to_string());
        }
    }
    Ok(off)
}

/// Refuses a server that could lose acknowledged writes, unless told it is a throwaway.
pub fn check_durability(conn: &mut PgConnection, throwaway: bool) -> Result<(), BoxError> {
    let off = unsafe_settings(conn)?;
    if off.is_empty() {
        return Ok(());
    }
    let names = off.join(", ");
    if throwaway {
        log::warn!(
            "PostgreSQL runs with {names} off: acknowledged writes can be lost (accepted: throwaway database)"
        );
        Ok(())
    } else {
        Err(format!(
            "PostgreSQL runs with {names} off, so a crash could lose inspections lotgate has \
             acknowledged; turn it on, or pass --throwaway-database for a test database"
        )
        .into())
    }
}

/// A client program (`pg_dump`, `pg_restore`) from the installed PostgreSQL.
fn client_program(name: &str) -> PathBuf {
    find_server_binaries()
        .map(|dir| dir.join(name))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// Writes a consistent backup of the whole database (every table, photos included) in
/// pg_dump's custom format: one snapshot, so no half-written inspection is in it.
pub fn backup(database_url: &str, out: &Path) -> Result<(), BoxError> {
    let status = Command::new(client_program("pg_dump"))
        .args([
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            database_url,
            "--file",
        ])
        .arg(out)
        .status()
        .map_err(|e| format!("cannot run pg_dump (install the PostgreSQL client): {e}"))?;
    if !status.success() {
        return Err(format!("pg_dump failed with {status}").into());
    }
    Ok(())
}

/// Restores a backup into an empty database, all or nothing (one transaction).
pub fn restore(conn: &mut PgConnection, database_url: &str, from: &Path) -> Result<(), BoxError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let tables: Vec<Count> = diesel::sql_query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .load(conn)?;
    if tables.first().is_some_and(|c| c.n > 0) {
        return Err("the target database is not empty; restore needs an empty database".into());
    }
    let status = Command::new(client_program("pg_restore"))
        .args([
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            database_url,
        ])
        .arg(from)
        .status()
        .map_err(|e| format!("cannot run pg_restore (install the PostgreSQL client): {e}"))?;
    if !status.success() {
        return Err(format!("pg_restore failed with {status}; nothing was restored").into());
    }
    // A server already running on this database (its tables dropped and restored under
    // it) empties its caches of tokens and decisions: the restore fired no trigger.
    diesel::sql_query(format!(
        "SELECT pg_notify('{}', ''), pg_notify('{}', '')",
        crate::db::tokens::CHANGES_CHANNEL,
        crate::db::decisions::CHANGES_CHANNEL
    ))
    .execute(conn)?;
    Ok(())
}
