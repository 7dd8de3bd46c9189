//! What the pool counts for `/metrics`: how long checkouts wait, how many give up, the
//! connections opened and closed, and the database errors its connections meet, by
//! kind. Filled by r2d2's event and error hooks and by each connection's instrumentation
//! (see [`super::Manager`]); read when `/metrics` is scraped.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use r2d2::event::{AcquireEvent, CheckoutEvent, HandleEvent, ReleaseEvent, TimeoutEvent};

use crate::metrics::{CHECKOUT_SECONDS, Counter, Histogram, HistogramSnapshot};

/// The kinds of database errors counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// A new connection could not be opened (server down, refused, bad credentials).
    Connect,
    /// A connection in use was lost: the server restarted, or the socket was closed.
    ConnectionLost,
    /// A serializable or repeatable-read transaction lost a race and was rolled back.
    SerializationFailure,
    /// A unique constraint refused a row (a duplicate, or a retried create).
    UniqueViolation,
    /// A statement ran past the server's `statement_timeout` and was cancelled.
    StatementTimeout,
    /// Any other failed statement.
    Other,
}

impl DbErrorKind {
    pub const ALL: [DbErrorKind; 6] = [
        DbErrorKind::Connect,
        DbErrorKind::ConnectionLost,
        DbErrorKind::SerializationFailure,
        DbErrorKind::UniqueViolation,
        DbErrorKind::StatementTimeout,
        DbErrorKind::Other,
    ];

    /// The value of the `kind` label.
    pub fn as_str(self) -> &'static str {
        match self {
            DbErrorKind::Connect => "connect",
            DbErrorKind::ConnectionLost => "connection_lost",
            DbErrorKind::SerializationFailure => "serialization_failure",
            DbErrorKind::UniqueViolation => "unique_violation",
            DbErrorKind::StatementTimeout => "statement_timeout",
            DbErrorKind::Other => "other",
        }
    }

    /// The kind of a failed statement; `None` for a query that merely found no row.
    pub fn of(err: &DieselError) -> Option<Self> {
        Some(match err {
            DieselError::NotFound => return None,
            err if super::is_connection_lost(err) => DbErrorKind::ConnectionLost,
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::SerializationFailure => DbErrorKind::SerializationFailure,
                DatabaseErrorKind::UniqueViolation => DbErrorKind::UniqueViolation,
                _ if super::is_connection_loss(info.message()) => DbErrorKind::ConnectionLost,
                _ if info.message().contains("statement timeout") => DbErrorKind::StatementTimeout,
                _ => DbErrorKind::Other,
            },
            _ => DbErrorKind::Other,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The pool's counters, shared by its hooks and every connection it made.
#[derive(Debug)]
pub struct PoolStats {
    checkout_wait: Histogram,
    timeouts: Counter,
    opened: Counter,
    closed: Counter,
    errors: [Counter; DbErrorKind::ALL.len()],
}

impl Default for PoolStats {
    fn default() -> Self {
        PoolStats {
            checkout_wait: Histogram::new(CHECKOUT_SECONDS),
            timeouts: Counter::default(),
            opened: Counter::default(),
            closed: Counter::default(),
            errors: Default::default(),
        }
    }
}

impl PoolStats {
    pub fn error(&self, kind: DbErrorKind) {
        self.errors[kind.index()].inc();
    }

    /// A statement's outcome, as the connection's instrumentation sees it.
    pub fn statement_failed(&self, err: &DieselError) {
        if let Some(kind) = DbErrorKind::of(err) {
            self.error(kind);
        }
    }
}

/// The pool read at one moment.
#[derive(Debug, Clone)]
pub struct PoolReport {
    /// Connections checked out now.
    pub in_use: u32,
    /// Connections open and waiting in the pool.
    pub idle: u32,
    /// Most connections the pool opens.
    pub max: u32,
    /// How long each checkout waited for a connection.
    pub checkout_wait: HistogramSnapshot,
    /// Checkouts that gave up (the request answered 503).
    pub timeouts: u64,
    pub opened: u64,
    pub closed: u64,
    /// Database errors by kind, every kind listed.
    pub errors: Vec<(DbErrorKind, u64)>,
}

impl PoolReport {
    pub(super) fn read(stats: &PoolStats, state: r2d2::State, max: u32) -> Self {
        PoolReport {
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            max,
            checkout_wait: stats.checkout_wait.snapshot(),
            timeouts: stats.timeouts.get(),
            opened: stats.opened.get(),
            closed: stats.closed.get(),
            errors: DbErrorKind::ALL
                .iter()
                .map(|&k| (k, stats.errors[k.index()].get()))
                .collect(),
        }
    }
}

/// r2d2's events, counted.
#[derive(Debug)]
pub(super) struct Events(pub std::sync::Arc<PoolStats>);

impl HandleEvent for Events {
    fn handle_acquire(&self, _: AcquireEvent) {
        self.0.opened.inc();
    }

    fn handle_release(&self, _: ReleaseEvent) {
        self.0.closed.inc();
    }

    fn handle_checkout(&self, event: CheckoutEvent) {
        self.0.checkout_wait.observe(event.duration());
    }

    fn handle_timeout(&self, _: TimeoutEvent) {
        self.0.timeouts.inc();
    }
}

/// r2d2's errors: logged as its default handler does, and a failed connect counted (a
/// failed ping is a statement, counted by the connection itself).
#[derive(Debug)]
pub(super) struct Errors(pub std::sync::Arc<PoolStats>);

impl r2d2::HandleError<diesel::r2d2::Error> for Errors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        if matches!(error, diesel::r2d2::Error::ConnectionError(_)) {
            self.0.error(DbErrorKind::Connect);
        }
        log::error!("{error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(kind: DatabaseErrorKind, message: &str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(message.to_string()))
    }

    #[test]
    fn failed_statements_are_told_apart_by_kind() {
        let cases = [
            (
                database(DatabaseErrorKind::ClosedConnection, "closed"),
                DbErrorKind::ConnectionLost,
            ),
            (
                database(
                    DatabaseErrorKind::Unknown,
                    "terminating connection due to administrator command",
                ),
                DbErrorKind::ConnectionLost,
            ),
            (
                database(
                    DatabaseErrorKind::SerializationFailure,
                    "could not serialize",
                ),
                DbErrorKind::SerializationFailure,
            ),
            (
                database(DatabaseErrorKind::UniqueViolation, "duplicate key"),
                DbErrorKind::UniqueViolation,
            ),
            (
                database(
                    DatabaseErrorKind::Unknown,
                    "canceling statement due to statement timeout",
                ),
                DbErrorKind::StatementTimeout,
            ),
            (
                database(DatabaseErrorKind::CheckViolation, "check"),
                DbErrorKind::Other,
            ),
        ];
        for (err, kind) in cases {
            assert_eq!(DbErrorKind::of(&err), Some(kind), "{err}");
        }
        assert_eq!(DbErrorKind::of(&DieselError::NotFound), None);
    }

    #[test]
    fn every_kind_has_its_own_counter() {
        let stats = PoolStats::default();

        stats.statement_failed(&database(DatabaseErrorKind::UniqueViolation, "dup"));
        stats.statement_failed(&DieselError::NotFound);
        stats.error(DbErrorKind::Connect);
        let count = |k: DbErrorKind| stats.errors[k.index()].get();

        assert_eq!(count(DbErrorKind::UniqueViolation), 1);
        assert_eq!(count(DbErrorKind::Connect), 1);
        assert_eq!(count(DbErrorKind::Other), 0);
    }
}
