//! The use cases: record, correct, import, decide, resume, approve, store a photo, issue
//! a token. Each takes a connection and values already parsed into domain types, runs its
//! transaction, writes its audit row and returns domain values or a [`ServiceError`].
//! No actix here: the handlers, the command line and the demo loader all call these.

pub mod audit;
mod error;
pub mod golden_samples;
pub mod photos;
pub mod tokens;

pub use error::{Checks, Found, ServiceError, Violation, is_connection_loss};
