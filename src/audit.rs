//! The audit trail's hash chain, checked outside the database.
//!
//! PostgreSQL computes each row's hash when the row is written (migration
//! `2026-11-23-500002_audit_trail`); this module recomputes it from the stored fields
//! with its own SHA-256, so `lotgate audit verify` does not trust the database's
//! functions to check the database.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// One stored row, with its JSON values in PostgreSQL's `jsonb` text form.
#[derive(Debug, Clone)]
pub struct ChainRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub token_id: Option<uuid::Uuid>,
    pub actor: String,
    pub role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub prev_sha256: Vec<u8>,
    pub sha256: Vec<u8>,
}

/// The text a row's hash covers: every field as `<octet length>:<value>`, or `-` for
/// none, one per line.
pub fn canonical_text(row: &ChainRow) -> String {
    let fields = [
        Some(row.seq.to_string()),
        Some(row.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
        row.token_id.map(|t| t.hyphenated().to_string()),
        Some(row.actor.clone()),
        row.role.clone(),
        Some(row.action.clone()),
        Some(row.entity.clone()),
        Some(row.entity_id.clone()),
        row.old_value.clone(),
        row.new_value.clone(),
        row.reason.clone(),
    ];
    fields
        .iter()
        .map(|f| match f {
            Some(v) => format!("{}:{v}", v.len()),
            None => "-".to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The hash a row must carry, given the hash of the row before it.
pub fn row_hash(prev: &[u8], row: &ChainRow) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(prev);
    hash.update(canonical_text(row).as_bytes());
    hash.finalize().into()
}

/// The hash before the first row.
pub const GENESIS: [u8; 32] = [0; 32];

/// Where a chain stands after some rows: the next expected sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCursor {
    pub rows: u64,
    pub next_seq: i64,
    pub last_hash: [u8; 32],
}

impl Default for ChainCursor {
    fn default() -> Self {
        ChainCursor {
            rows: 0,
            next_seq: 1,
            last_hash: GENESIS,
        }
    }
}

/// The first row that does not fit the chain, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub why: String,
}

impl ChainCursor {
    /// Checks the next row: gap-free numbering, the link to the row before, and the
    /// row's own hash.
    pub fn check(&mut self, row: &ChainRow) -> Result<(), Broken> {
        let broken = |why: String| Broken { seq: row.seq, why };
        if row.seq != self.next_seq {
            return Err(broken(format!(
                "expected row {} next, found row {}: rows are missing",
                self.next_seq, row.seq
            )));
        }
        if row.prev_sha256 != self.last_hash {
            return Err(broken(
                "its link to the previous row does not match that row's hash".into(),
            ));
        }
        let hash = row_hash(&self.last_hash, row);
        if row.sha256 != hash {
            return Err(broken(
                "its hash does not match its content: the row was altered".into(),
            ));
        }
        self.rows += 1;
        self.next_seq += 1;
        self.last_hash = hash;
        Ok(())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, prev: [u8; 32]) -> ChainRow {
        let mut r = ChainRow {
            seq,
            at: DateTime::from_timestamp_micros(1_795_400_000_000_001).unwrap(),
            token_id: None,
            actor: "ana".into(),
            role: Some("admin".into()),
            action: "create".into(),
            entity: "part".into(),
            entity_id: "p1".into(),
            old_value: None,
            new_value: Some(r#"{"a": 1}"#.into()),
            reason: Some("why\nnot".into()),
            prev_sha256: prev.to_vec(),
            sha256: vec![],
        };
        r.sha256 = row_hash(&prev, &r).to_vec();
        r
    }

    #[test]
    fn the_canonical_text_prefixes_lengths_in_bytes_and_marks_nulls() {
        let text = canonical_text(&row(1, GENESIS));
        assert_eq!(
            text,
            "1:1\n27:2026-11-23T02:13:20.000001Z\n-\n3:ana\n5:admin\n6:create\n4:part\n\
             2:p1\n-\n8:{\"a\": 1}\n7:why\nnot"
        );
    }

    #[test]
    fn a_chain_verifies_and_an_altered_row_breaks_it() {
        let first = row(1, GENESIS);
        let second = row(2, first.sha256.clone().try_into().unwrap());
        let mut cursor = ChainCursor::default();
        cursor.check(&first).unwrap();
        cursor.check(&second).unwrap();
        assert_eq!(cursor.rows, 2);

        let mut altered = second.clone();
        altered.actor = "bob".into();
        let mut cursor = ChainCursor::default();
        cursor.check(&first).unwrap();
        assert!(cursor.check(&altered).unwrap_err().why.contains("altered"));

        let mut cursor = ChainCursor::default();
        assert!(cursor.check(&second).unwrap_err().why.contains("missing"));
    }
}
