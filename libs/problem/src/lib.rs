//! One error type for every handler, rendered as RFC 9457 `application/problem+json`.
//!
//! Handlers return `Result<_, AppError>`. Database errors keep their diesel value until the
//! response is built, so the transaction helper can still see a serialization failure and retry.

mod extract;
mod validation;

pub use extract::{Json, json_error_handler, path_error_handler, query_error_handler, reject_nul_in_uri};
pub use validation::{Validator, clean};

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A field that failed validation: `field` is a JSON path into the request (`lines[2].quantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field errors of a 422.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            errors: Vec::new(),
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = HttpResponse::build(status);
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        if status == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        builder.json(self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Malformed request: JSON that does not parse, a path or query value of the wrong form.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Well-formed request with invalid values.
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// Wrong state, stale version, duplicate; `slug` names the kind for clients.
    #[error("conflict ({slug}): {detail}")]
    Conflict { slug: &'static str, detail: String },
    /// A business refusal that needs more than a sentence (e.g. insufficient stock, listing
    /// the lines): the problem is answered as it is.
    #[error("refused: {0:?}")]
    Refused(Box<Problem>),
    /// A dependency (database, broker, another service) is down.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Too many failed attempts (logins, API-key exchanges): 429 with `Retry-After` seconds.
    #[error("too many attempts: {detail}")]
    TooManyAttempts { detail: String, retry_after: u64 },
    /// A bounded resource is full (the password hashing queue): 503 with `Retry-After` seconds.
    #[error("busy: {detail}")]
    Busy { detail: String, retry_after: u64 },
    #[error(transparent)]
    Database(#[from] DieselError),
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// Anything unexpected: logged in full, answered with a generic 500.
    #[error("internal: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict {
            slug: "conflict",
            detail: detail.into(),
        }
    }

    /// The document's state does not allow the move (409 `wrong-state`).
    pub fn wrong_state(detail: impl Into<String>) -> Self {
        Self::Conflict {
            slug: "wrong-state",
            detail: detail.into(),
        }
    }

    pub fn stale_version(entity: &str) -> Self {
        Self::Conflict {
            slug: "stale-version",
            detail: format!("{entity} was changed by someone else; reload it and try again"),
        }
    }

    pub fn not_found(entity: &str) -> Self {
        Self::NotFound(format!("{entity} not found"))
    }

    pub fn internal(err: impl fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }

    /// The seconds a client should wait before trying again, for the answers that say so.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after, .. } | AppError::Busy { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// Serialization failures and deadlocks: the transaction may succeed if run again.
    pub fn is_retryable(&self) -> bool {
        match self {
            AppError::Database(e) => is_retryable_db_error(e),
            _ => false,
        }
    }

    pub fn to_problem(&self) -> Problem {
        use StatusCode as S;
        match self {
            AppError::BadRequest(d) => Problem::new(S::BAD_REQUEST, "bad-request", "Malformed request", d),
            AppError::Validation(errors) => Problem {
                errors: errors.clone(),
                ..Problem::new(
                    S::UNPROCESSABLE_ENTITY,
                    "validation",
                    "Invalid values",
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            },
            AppError::Unauthorized(d) => Problem::new(S::UNAUTHORIZED, "unauthorized", "Authentication required", d),
            AppError::Forbidden(d) => Problem::new(S::FORBIDDEN, "forbidden", "Not allowed", d),
            AppError::NotFound(d) => Problem::new(S::NOT_FOUND, "not-found", "Not found", d),
            AppError::Conflict { slug, detail } => Problem::new(S::CONFLICT, slug, "Conflict", detail),
            AppError::Refused(p) => (**p).clone(),
            AppError::Unavailable(d) => Problem::new(S::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", d),
            AppError::TooManyAttempts { detail, .. } => {
                Problem::new(S::TOO_MANY_REQUESTS, "too-many-attempts", "Too many attempts", detail)
            }
            AppError::Busy { detail, .. } => Problem::new(S::SERVICE_UNAVAILABLE, "busy", "Busy", detail),
            AppError::Pool(_) => Problem::new(
                S::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the database is not reachable; try again shortly",
            ),
            AppError::Database(e) => database_problem(e),
            AppError::Internal(_) => generic_internal(),
        }
    }
}

fn generic_internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "an unexpected error occurred; it has been logged",
    )
}

/// SQLSTATE 40P01 has no diesel kind of its own; its message is stable.
fn is_deadlock(info: &dyn diesel::result::DatabaseErrorInformation) -> bool {
    info.message().contains("deadlock detected")
}

pub fn is_retryable_db_error(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(_, info) => is_deadlock(info.as_ref()),
        _ => false,
    }
}

fn database_problem(e: &DieselError) -> Problem {
    use StatusCode as S;
    match e {
        DieselError::NotFound => Problem::new(S::NOT_FOUND, "not-found", "Not found", "the record does not exist"),
        DieselError::DatabaseError(kind, info) => match kind {
            DatabaseErrorKind::UniqueViolation => Problem::new(
                S::CONFLICT,
                "duplicate",
                "Conflict",
                format!(
                    "a record with the same {} already exists",
                    info.constraint_name().map(constraint_subject).unwrap_or("key")
                ),
            ),
            DatabaseErrorKind::SerializationFailure => Problem::new(
                S::CONFLICT,
                "concurrent-update",
                "Conflict",
                "the record was changed concurrently; try again",
            ),
            DatabaseErrorKind::ForeignKeyViolation => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid values",
                "a referenced record does not exist or is still in use",
            ),
            DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid values",
                "a value breaks a rule of the record",
            ),
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => Problem::new(
                S::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the database is not reachable; try again shortly",
            ),
            _ if is_deadlock(info.as_ref()) => Problem::new(
                S::CONFLICT,
                "concurrent-update",
                "Conflict",
                "the record was changed concurrently; try again",
            ),
            _ => generic_internal(),
        },
        _ => generic_internal(),
    }
}

/// `employees_code_key` → `code`: tells the client which value clashed, nothing more.
fn constraint_subject(name: &str) -> &str {
    let trimmed = name.strip_suffix("_key").unwrap_or(name);
    trimmed.split_once('_').map(|(_, rest)| rest).unwrap_or(trimmed)
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.to_problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let problem = self.to_problem();
        if matches!(self, AppError::Busy { .. }) {
            tracing::info!(error = %self, status = problem.status, "request refused: busy");
        } else if problem.status == 503 {
            // A dependency is down: worth a warning, not an error of ours.
            tracing::warn!(error = %self, status = problem.status, "request refused: dependency unavailable");
        } else if problem.status >= 500 {
            tracing::error!(error = %self, status = problem.status, "request failed");
        } else {
            tracing::info!(error = %self, status = problem.status, "request refused");
        }
        let mut response = problem.response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let p = AppError::internal("password column missing").to_problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.unwrap_or_default().contains("password"));
    }

    #[test]
    fn validation_lists_fields() {
        let p = AppError::Validation(vec![
            FieldError::new("name", "must not be empty"),
            FieldError::new("lines[0].quantity", "must be positive"),
        ])
        .to_problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors.len(), 2);
        assert_eq!(p.kind, "/problems/validation");
    }

    #[test]
    fn not_found_from_diesel() {
        assert_eq!(AppError::from(DieselError::NotFound).to_problem().status, 404);
    }

    #[test]
    fn constraint_names_become_field_names() {
        assert_eq!(constraint_subject("employees_code_key"), "code");
        assert_eq!(constraint_subject("departments_code_key"), "code");
        assert_eq!(constraint_subject("plain"), "plain");
    }
}
