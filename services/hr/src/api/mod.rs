//! hr's HTTP API: parse, authorise, validate, call one app function in one transaction, map the
//! result into the response types (docs/architecture.md).

mod api_keys;
mod auth;
mod departments;
mod employees;

use crate::app::auth::TokenSettings;
use crate::db::EmployeeRow;
use chrono::{DateTime, Utc};
use erp_problem::AppError;
use erp_server::AppContext;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    auth::routes(cfg);
    employees::routes(cfg);
    departments::routes(cfg);
    api_keys::routes(cfg);
}

/// An employee as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct Employee {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub position: Option<String>,
    pub roles: Vec<String>,
    pub active: bool,
    /// Whether the employee can log in with a password.
    pub has_password: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<EmployeeRow> for Employee {
    fn from(r: EmployeeRow) -> Self {
        Employee {
            id: r.id,
            code: r.code,
            name: r.name,
            email: r.email,
            phone: r.phone,
            department_id: r.department_id,
            manager_id: r.manager_id,
            position: r.position,
            roles: r.roles,
            active: r.active,
            has_password: r.password_hash.is_some(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// How this service signs tokens, for the session commands.
fn token_settings(ctx: &AppContext) -> TokenSettings<'_> {
    TokenSettings {
        keys: &ctx.keys,
        access_ttl: ctx.config.access_token_ttl,
        refresh_ttl: ctx.config.refresh_token_ttl,
    }
}

/// Runs argon2 off the async workers (it is deliberately slow), without holding a connection.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(AppError::internal)
}

async fn hash_password(password: String) -> Result<String, AppError> {
    blocking(move || crate::domain::credentials::hash_password(&password))
        .await?
        .map_err(AppError::internal)
}

async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    blocking(move || crate::domain::credentials::verify_password(&password, &hash)).await
}
