//! Integration tests: the real application against a real PostgreSQL, one fresh
//! database per test.

mod builders;
mod embedded;
mod errors;
mod inspections;
mod lots;
mod openapi;
mod parts;
mod statistics;
mod support;
