//! Integration tests: the real application against a real PostgreSQL, one fresh
//! database per test.

mod access;
mod audit;
mod backup;
mod builders;
mod bulk;
mod caches;
mod crash;
mod decision_formats;
mod decisions;
mod demo;
mod embedded;
mod errors;
mod etag;
mod fingerprint;
mod golden_builders;
mod golden_samples;
mod idempotency;
mod inspections;
mod limits;
mod lots;
mod openapi;
mod outage;
mod parts;
mod photos;
mod prepared;
mod roles;
mod sampling;
mod shared_cluster;
mod statistics;
mod streams;
mod support;
mod switching;
mod wire;
