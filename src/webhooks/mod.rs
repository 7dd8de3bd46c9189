//! Webhooks: the events lotgate announces to the endpoints an admin registered. The use
//! cases write each event into an outbox in their own transaction
//! ([`crate::service::webhooks`]); the deliverer started by `lotgate serve` posts them,
//! signed, and retries with backoff until the endpoint answers 2xx.

pub mod deliverer;
pub mod document;
pub mod schedule;
pub mod signature;

pub use deliverer::{Deliverer, DelivererConfig};
pub use schedule::Schedule;
