//! Integration tests: the real application against a real PostgreSQL, one fresh
//! database per test.

mod builders;
mod decisions;
mod demo;
mod embedded;
mod errors;
mod inspections;
mod lots;
mod openapi;
mod parts;
mod sampling;
mod streams;
mod support;
mod switching;
