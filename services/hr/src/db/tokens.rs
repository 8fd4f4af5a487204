//! Refresh tokens, stored as digests.

use super::schema::refresh_tokens;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub fn insert(
    conn: &mut PgConnection,
    employee_id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::now_v7()),
            refresh_tokens::employee_id.eq(employee_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn lock_by_hash(conn: &mut PgConnection, token_hash: &str) -> Result<Option<RefreshTokenRow>, AppError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

pub fn revoke(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::revoked_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::delete(refresh_tokens::table.find(id)).execute(conn)?;
    Ok(())
}

/// Signs the employee out everywhere (password change, deactivation, stolen token).
pub fn revoke_all_of(conn: &mut PgConnection, employee_id: Uuid) -> Result<(), AppError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::employee_id.eq(employee_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(())
}
