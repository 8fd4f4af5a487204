//! The lockout after failed logins and API-key exchanges (docs/security.md, logins): checked
//! before any password is hashed, counted on every refusal, cleared by a success or by an
//! hr_admin.

use crate::db::{self, throttle as store};
use crate::domain::throttle::{FORGET_AFTER, Subject, seconds_until};
use chrono::Utc;
use diesel::PgConnection;
use erp_problem::AppError;
use uuid::Uuid;

fn keys(subjects: &[Subject<'_>]) -> Vec<String> {
    subjects.iter().map(Subject::key).collect()
}

/// 429 with the seconds to wait while any of `subjects` is locked.
pub fn check(conn: &mut PgConnection, subjects: &[Subject<'_>]) -> Result<(), AppError> {
    let now = Utc::now();
    match store::locked_until(conn, &keys(subjects), now)? {
        Some(until) => {
            let retry_after = seconds_until(until, now);
            Err(AppError::TooManyAttempts {
                detail: format!("too many failed attempts; try again in {retry_after} s"),
                retry_after,
            })
        }
        None => Ok(()),
    }
}

/// Counts a refusal against each of `subjects`, locking those past their free attempts.
pub fn failed(conn: &mut PgConnection, subjects: &[Subject<'_>]) -> Result<(), AppError> {
    let now = Utc::now();
    for subject in subjects {
        let key = subject.key();
        let failures = store::count_failure(conn, &key, now, now - FORGET_AFTER)?;
        if let Some(lock) = subject.lock_after(failures) {
            store::lock(conn, &key, now + lock)?;
        }
    }
    Ok(())
}

/// A success: the failures of `subjects` are forgotten.
pub fn succeeded(conn: &mut PgConnection, subjects: &[Subject<'_>]) -> Result<(), AppError> {
    store::clear(conn, &keys(subjects))?;
    Ok(())
}

/// An hr_admin lifts an employee's lockout (their code's failures are forgotten).
pub fn unlock_employee(conn: &mut PgConnection, employee_id: Uuid) -> Result<(), AppError> {
    let employee = db::employees::find(conn, employee_id)?.ok_or_else(|| AppError::not_found("employee"))?;
    store::clear(conn, &keys(&[Subject::Account(&employee.code)]))?;
    Ok(())
}
