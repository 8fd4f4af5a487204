//! API keys for integrators: created with roles, shown once, stored as a digest, revocable.

use crate::app::api_keys::{self as app, CreatedKey, KeyValues};
use crate::db::ApiKeyRow;
use crate::domain::people;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, Utc};
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_api_keys)
        .service(create_api_key)
        .service(revoke_api_key);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// Shown to tell keys apart; the secret itself is never stored.
    pub prefix: String,
    pub roles: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            roles: r.roles,
            created_by: r.created_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateApiKey {
    /// What the key is for, e.g. "e-shop order sync".
    pub name: String,
    /// Roles the key's tokens carry (at least one).
    pub roles: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The key itself: shown this once, never again.
    pub api_key: String,
}

impl From<CreatedKey> for CreatedApiKey {
    fn from(c: CreatedKey) -> Self {
        CreatedApiKey {
            key: c.key.into(),
            api_key: c.secret,
        }
    }
}

#[utoipa::path(
    tag = "api-keys",
    responses(
        (status = 200, body = Vec<ApiKey>),
    )
)]
#[get("/api/v1/api-keys")]
async fn list_api_keys(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Vec<ApiKey>>, AppError> {
    user.require_any(&[Role::HrAdmin])?;
    let keys = erp_db::with_conn(&ctx.pool, app::list).await?;
    Ok(web::Json(keys.into_iter().map(ApiKey::from).collect()))
}

#[utoipa::path(
    tag = "api-keys",
    request_body = CreateApiKey,
    responses(
        (status = 201, body = CreatedApiKey),
    )
)]
#[post("/api/v1/api-keys")]
async fn create_api_key(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<CreateApiKey>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::HrAdmin])?;
    let req = body.into_inner();
    let mut v = Validator::new();
    v.text("name", &req.name, 200);
    v.check(!req.roles.is_empty(), "roles", "must name at least one role");
    let roles = people::parse_role_list(&mut v, "roles", &req.roles);
    if let Some(at) = req.expires_at {
        v.check(at > Utc::now(), "expires_at", "must be in the future");
    }
    v.finish()?;
    let values = KeyValues {
        name: req.name.trim().to_owned(),
        roles,
        expires_at: req.expires_at,
    };
    let created = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &values)).await?;
    tracing::info!(api_key = %created.key.id, prefix = %created.key.prefix, "API key created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/api-keys/{}", created.key.id)))
        .json(CreatedApiKey::from(created)))
}

/// The key stops working at once for new tokens; tokens already issued run out within their
/// short lifetime.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = Uuid, Path, description = "API key id")),
    responses(
        (status = 200, body = ApiKey),
    )
)]
#[post("/api/v1/api-keys/{id}/revoke")]
async fn revoke_api_key(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApiKey>, AppError> {
    user.require_any(&[Role::HrAdmin])?;
    let id = id.into_inner();
    let key = erp_db::transaction(&ctx.pool, move |c| app::revoke(c, id)).await?;
    Ok(web::Json(key.into()))
}
