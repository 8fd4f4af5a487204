//! Failed-attempt counts per subject (docs/security.md, logins).

use super::schema::login_throttle;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamptz};
use erp_problem::AppError;

/// The latest lock among `subjects` that has not run out, if any.
pub fn locked_until(
    conn: &mut PgConnection,
    subjects: &[String],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let until: Option<Option<DateTime<Utc>>> = login_throttle::table
        .filter(login_throttle::subject.eq_any(subjects))
        .filter(login_throttle::locked_until.gt(now))
        .select(diesel::dsl::max(login_throttle::locked_until))
        .first(conn)
        .optional()?;
    Ok(until.flatten())
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    failures: i32,
}

/// Counts one more failure of `subject` (starting again when the last one is older than
/// `forget_before`) and answers the count.
pub fn count_failure(
    conn: &mut PgConnection,
    subject: &str,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> Result<i32, AppError> {
    let counted: Counted = diesel::sql_query(
        "INSERT INTO login_throttle (subject, failures, last_failure_at) VALUES ($1, 1, $2) \
         ON CONFLICT (subject) DO UPDATE SET \
           failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1 \
                           ELSE login_throttle.failures + 1 END, \
           last_failure_at = $2 \
         RETURNING failures",
    )
    .bind::<Text, _>(subject)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(forget_before)
    .get_result(conn)?;
    Ok(counted.failures)
}

pub fn lock(conn: &mut PgConnection, subject: &str, until: DateTime<Utc>) -> Result<(), AppError> {
    diesel::update(login_throttle::table.find(subject))
        .set(login_throttle::locked_until.eq(until))
        .execute(conn)?;
    Ok(())
}

/// Forgets the failures of `subjects`; answers how many had any.
pub fn clear(conn: &mut PgConnection, subjects: &[String]) -> Result<usize, AppError> {
    Ok(diesel::delete(login_throttle::table.filter(login_throttle::subject.eq_any(subjects))).execute(conn)?)
}
