//! The use cases: record, correct, import, decide, resume, approve, store a photo, issue
//! a token. Each takes a connection and values already parsed into domain types, runs its
//! transaction, writes its audit row and returns domain values or a [`ServiceError`].
//! No actix here: the handlers, the command line and the demo loader all call these.

pub mod audit;
pub mod characteristics;
pub mod charts;
pub mod decisions;
pub mod defect_codes;
pub mod dispositions;
mod error;
pub mod golden_samples;
pub mod inspection_orders;
pub mod inspections;
pub mod lots;
pub mod ncrs;
pub mod parts;
pub mod photos;
pub mod reconciliation;
pub mod resubmissions;
pub mod scope;
pub mod scorecard;
pub mod source_policies;
pub mod staleness;
pub mod statistics;
pub mod suppliers;
pub mod switching;
pub mod tokens;
pub mod webhooks;

pub use error::{Checks, Found, ServiceError, Violation, is_connection_loss};
