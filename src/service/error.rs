//! What a use case can fail with, in domain words. The HTTP layer maps each variant to a
//! status and a problem document; the CLI prints it.

use diesel::result::{DatabaseErrorKind, Error as DieselError, QueryResult};

pub use crate::db::is_connection_loss;

/// A problem with one named field of the input (a body field, a query parameter, a CSV
/// column), in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field, e.g. `units[0].measurements[1].value`.
    pub field: String,
    pub message: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, message: impl ToString) -> Self {
        Violation {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

/// Why a use case did not complete. Nothing it wrote is kept: every use case runs in one
/// transaction, rolled back with the error.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing addressed (by the URL, or the command line) does not exist.
    #[error("no {what} with id {id}")]
    NotFound { what: String, id: String },
    /// An id given in the input refers to nothing.
    #[error("{field}: no {what} with id {id}")]
    UnknownReference {
        field: String,
        what: String,
        id: String,
    },
    /// Some fields break a rule; each is named.
    #[error("{}", describe(.0))]
    Invalid(Vec<Violation>),
    /// The input clashes with what is stored (a duplicate key, a state that forbids it).
    #[error("{detail}")]
    Conflict {
        field: Option<String>,
        detail: String,
    },
    /// A change was made against a version of the record that is no longer current
    /// (an `If-Match` that no longer matches).
    #[error("{0}")]
    PreconditionFailed(String),
    /// The database cannot be reached right now; retrying later may succeed.
    #[error("the database cannot be reached: {0}")]
    Unavailable(String),
    /// A fault of the server (a stored value that cannot be, a bug).
    #[error("internal error: {0}")]
    Internal(String),
}

fn describe(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("{}: {}", v.field, v.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ServiceError {
    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        ServiceError::NotFound {
            what: what.to_string(),
            id: id.to_string(),
        }
    }

    pub fn unknown_reference(
        field: impl Into<String>,
        what: &str,
        id: impl std::fmt::Display,
    ) -> Self {
        ServiceError::UnknownReference {
            field: field.into(),
            what: what.to_string(),
            id: id.to_string(),
        }
    }

    pub fn invalid_field(field: impl Into<String>, message: impl ToString) -> Self {
        ServiceError::Invalid(vec![Violation::new(field, message)])
    }

    pub fn conflict(field: Option<&str>, detail: impl Into<String>) -> Self {
        ServiceError::Conflict {
            field: field.map(str::to_string),
            detail: detail.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ServiceError::Internal(cause.to_string())
    }

    /// The same error with its field names rewritten (to nest them under a body field, or
    /// to name CSV lines).
    pub fn map_fields(self, rename: impl Fn(&str) -> String) -> Self {
        match self {
            ServiceError::Invalid(violations) => ServiceError::Invalid(
                violations
                    .into_iter()
                    .map(|v| Violation::new(rename(&v.field), v.message))
                    .collect(),
            ),
            ServiceError::UnknownReference { field, what, id } => ServiceError::UnknownReference {
                field: rename(&field),
                what,
                id,
            },
            ServiceError::Conflict {
                field: Some(field),
                detail,
            } => ServiceError::Conflict {
                field: Some(rename(&field)),
                detail,
            },
            other => other,
        }
    }
}

/// Unique constraints and the input field that breaks them.
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    (
        "supplier_source_policies_pkey",
        "policy",
        "the supplier's source policy was changed at the same moment; read it and set it again",
    ),
    (
        "parts_number_key",
        "number",
        "a part with this number already exists",
    ),
    (
        "characteristics_part_id_name_key",
        "name",
        "this part already has a characteristic with this name",
    ),
    (
        "suppliers_code_key",
        "code",
        "a supplier with this code already exists",
    ),
    (
        "lots_part_id_supplier_id_lot_number_key",
        "lot_number",
        "this supplier already has a lot with this number for this part",
    ),
    (
        "golden_samples_part_id_code_key",
        "code",
        "this part already has a golden sample with this code",
    ),
    (
        "golden_sample_revisions_one_approved",
        "revision",
        "another revision of this golden sample was approved at the same moment; read it and retry",
    ),
    (
        "defect_codes_part_id_code_key",
        "code",
        "the part's catalogue already has this code; retire or reuse it, or choose another",
    ),
    (
        "inspections_supersedes_key",
        "inspection_id",
        "that inspection has already been superseded by another correction",
    ),
];

impl From<DieselError> for ServiceError {
    fn from(err: DieselError) -> Self {
        match &err {
            // A row the use case did not name: a bare "not found".
            DieselError::NotFound => ServiceError::NotFound {
                what: String::new(),
                id: String::new(),
            },
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let constraint = info.constraint_name().unwrap_or_default();
                match UNIQUE_FIELDS.iter().find(|(c, _, _)| *c == constraint) {
                    Some((_, field, message)) => ServiceError::conflict(Some(field), *message),
                    None => {
                        ServiceError::conflict(None, "a record with the same key already exists")
                    }
                }
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => ServiceError::Unavailable(err.to_string()),
            // A server that no longer takes writes (a primary demoted or made read-only
            // for a failover): the pool discards the connection, and a retry reaches the
            // new primary.
            DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => {
                ServiceError::Unavailable(err.to_string())
            }
            DieselError::DatabaseError(_, info) if is_connection_loss(info.message()) => {
                ServiceError::Unavailable(err.to_string())
            }
            _ => ServiceError::Internal(err.to_string()),
        }
    }
}

impl From<r2d2::Error> for ServiceError {
    fn from(err: r2d2::Error) -> Self {
        ServiceError::Unavailable(err.to_string())
    }
}

/// Names what a missing row was: `lots_db::get(conn, id).or_not_found("lot", id)?`.
pub trait Found<T> {
    /// A missing row addressed by the caller (the URL): [`ServiceError::NotFound`].
    fn or_not_found(self, what: &str, id: impl std::fmt::Display) -> Result<T, ServiceError>;
    /// A missing row named by an input field: [`ServiceError::UnknownReference`].
    fn or_unknown(
        self,
        field: &str,
        what: &str,
        id: impl std::fmt::Display,
    ) -> Result<T, ServiceError>;
}

impl<T> Found<T> for QueryResult<T> {
    fn or_not_found(self, what: &str, id: impl std::fmt::Display) -> Result<T, ServiceError> {
        self.map_err(|e| match e {
            DieselError::NotFound => ServiceError::not_found(what, id),
            other => other.into(),
        })
    }

    fn or_unknown(
        self,
        field: &str,
        what: &str,
        id: impl std::fmt::Display,
    ) -> Result<T, ServiceError> {
        self.map_err(|e| match e {
            DieselError::NotFound => ServiceError::unknown_reference(field, what, id),
            other => other.into(),
        })
    }
}

/// Collects every field error of an input, so a client fixes them all in one go.
#[derive(Debug, Default)]
pub struct Checks(Vec<Violation>);

impl Checks {
    pub fn new() -> Self {
        Checks(Vec::new())
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl ToString) {
        self.0.push(Violation::new(field, message));
    }

    /// Required text: not blank, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
    }

    /// Optional text: when present, at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value
            && v.chars().count() > max
        {
            self.add(field, format!("must be at most {max} characters"));
        }
    }

    /// Keeps the value when parsing succeeds, records the error under `field` otherwise.
    pub fn parse<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.add(field, e)).ok()
    }

    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.0))
        }
    }
}
