//! API keys for integrators: created with roles, shown once, stored as a digest, revocable.

use crate::db::{self, ApiKeyRow, api_keys::NewApiKey};
use crate::domain::{credentials, grants, people};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use erp_auth::{CurrentUser, Role};
use erp_problem::AppError;
use uuid::Uuid;

/// A new key as validated by the handler.
#[derive(Debug)]
pub struct KeyValues {
    pub name: String,
    pub roles: Vec<Role>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The key as stored and the key itself, which is shown this once.
#[derive(Debug)]
pub struct CreatedKey {
    pub key: ApiKeyRow,
    pub secret: String,
}

/// Newest first.
pub fn list(conn: &mut PgConnection) -> Result<Vec<ApiKeyRow>, AppError> {
    db::api_keys::all(conn)
}

pub fn create(conn: &mut PgConnection, actor: &CurrentUser, values: &KeyValues) -> Result<CreatedKey, AppError> {
    grants::check_key_roles(actor, &values.roles)?;
    let (prefix, secret) = credentials::new_api_key();
    let digest = credentials::digest(&secret);
    let roles = people::role_names(&values.roles);
    let key = db::api_keys::insert(
        conn,
        &NewApiKey {
            id: Uuid::now_v7(),
            name: &values.name,
            prefix: &prefix,
            key_hash: &digest,
            roles: &roles,
            created_by: actor.id,
            expires_at: values.expires_at,
        },
    )?;
    Ok(CreatedKey { key, secret })
}

/// The key stops working at once for new tokens; revoking it again changes nothing.
pub fn revoke(conn: &mut PgConnection, id: Uuid) -> Result<ApiKeyRow, AppError> {
    let key = db::api_keys::lock(conn, id)?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    db::api_keys::revoke(conn, id)
}
