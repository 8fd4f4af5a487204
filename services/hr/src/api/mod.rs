//! hr's HTTP API: parse, authorise, validate, call one app function in one transaction, map the
//! result into the response types (docs/architecture.md).

mod api_keys;
mod auth;
mod departments;
pub mod doors;
mod employees;
mod hashing;

use hashing::{hash_password, verify_password};

use crate::app::auth::TokenSettings;
use crate::db::EmployeeRow;
use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
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

/// The client's address for the login lockout: the peer, or, when the peer is the proxy in
/// front of the service on the same machine, the address it forwards (`X-Real-IP`, else the
/// first of `X-Forwarded-For`).
fn client_address(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 64)
            .map(str::to_owned)
    };
    let forwarded = peer
        .filter(|ip| ip.is_loopback())
        .and_then(|_| header("x-real-ip").or_else(|| header("x-forwarded-for")));
    forwarded
        .or_else(|| peer.map(|ip| ip.to_string()))
        .unwrap_or_else(|| "unknown".into())
}
