//! lotgate: quality inspection of manufactured lots.
//!
//! Data flows one way: HTTP request -> domain types -> use case (loads rows, pure
//! computation, stores the result) -> view. `http` holds the handlers and JSON shapes,
//! `service` the use cases (transactions and audit rows), `domain` the types that cannot
//! hold invalid values, `decision` the pure decision and switching logic, `db` the pool,
//! schema and queries; `metrics` the lock-free counters behind `/metrics`, which every
//! layer may use; `web` the tablet's pages and their embedded assets.
// The examples of the larger statistics views are long `json!` literals; the
// reconciliation's schema example is one JSON object of some 35 fields, deeper
// than serde_json's json! macro can munch within the default limit of 128.
#![recursion_limit = "256"]

pub mod allocator;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod db;
pub mod decision;
pub mod demo;
pub mod domain;
pub mod embedded_postgres;
pub mod http;
pub mod metrics;
pub mod operations;
pub mod service;
pub mod web;
pub mod webhooks;
