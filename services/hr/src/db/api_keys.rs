//! API keys for integrators: the digest of the key is stored, never the key.

use super::schema::api_keys;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub roles: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub roles: &'a [String],
    pub created_by: Uuid,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn by_prefix(conn: &mut PgConnection, prefix: &str) -> Result<Option<ApiKeyRow>, AppError> {
    Ok(api_keys::table
        .filter(api_keys::prefix.eq(prefix))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Newest first.
pub fn all(conn: &mut PgConnection) -> Result<Vec<ApiKeyRow>, AppError> {
    Ok(api_keys::table
        .select(ApiKeyRow::as_select())
        .order(api_keys::created_at.desc())
        .load(conn)?)
}

pub fn insert(conn: &mut PgConnection, key: &NewApiKey<'_>) -> Result<ApiKeyRow, AppError> {
    Ok(diesel::insert_into(api_keys::table)
        .values(key)
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)?)
}

pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<ApiKeyRow, AppError> {
    api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("API key"))
}

pub fn revoke(conn: &mut PgConnection, id: Uuid) -> Result<ApiKeyRow, AppError> {
    Ok(diesel::update(api_keys::table.find(id))
        .set(api_keys::revoked_at.eq(Utc::now()))
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)?)
}

pub fn touch(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}
