//! lotgate: quality inspection of manufactured lots.
//!
//! Data flows one way: HTTP request -> domain types -> rows -> pure computation -> stored
//! result -> view. `http` holds the handlers and JSON shapes, `domain` the types that
//! cannot hold invalid values, `db` the pool, schema and queries.

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
pub mod operations;
pub mod service;
