//! Integration tests: the real application against a real PostgreSQL, one fresh
//! database per test.

mod backup;
mod builders;
mod bulk;
mod crash;
mod embedded;
mod errors;
mod idempotency;
mod inspections;
mod lots;
mod openapi;
mod outage;
mod parts;
mod statistics;
mod support;
mod wire;
