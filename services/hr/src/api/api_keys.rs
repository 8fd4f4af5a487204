//! API keys for integrators: created with roles, shown once, stored as a digest, revocable.

use crate::db::{ApiKey, schema::api_keys};
use crate::domain::{credentials, people};
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
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

#[utoipa::path(
    tag = "api-keys",
    responses(
        (status = 200, body = Vec<ApiKey>),
    )
)]
#[get("/api/v1/api-keys")]
async fn list_api_keys(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Vec<ApiKey>>, AppError> {
    user.require_any(&[Role::HrAdmin])?;
    let keys = erp_db::with_conn(&ctx.pool, |c| {
        Ok(api_keys::table
            .select(ApiKey::as_select())
            .order(api_keys::created_at.desc())
            .load(c)?)
    })
    .await?;
    Ok(web::Json(keys))
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
    let mut roles: Vec<Role> = Vec::new();
    for (i, r) in req.roles.iter().enumerate() {
        match r.parse::<Role>() {
            Ok(role) => roles.push(role),
            Err(e) => {
                v.add(format!("roles[{i}]"), e);
            }
        }
    }
    roles.sort();
    roles.dedup();
    if let Some(at) = req.expires_at {
        v.check(at > Utc::now(), "expires_at", "must be in the future");
    }
    v.finish()?;
    let (prefix, secret) = credentials::new_api_key();
    let digest = credentials::digest(&secret);
    let name = req.name.trim().to_owned();
    let created_by = user.id;
    let roles = people::role_names(&roles);
    let key = erp_db::transaction(&ctx.pool, move |c| {
        Ok(diesel::insert_into(api_keys::table)
            .values((
                api_keys::id.eq(Uuid::now_v7()),
                api_keys::name.eq(&name),
                api_keys::prefix.eq(&prefix),
                api_keys::key_hash.eq(&digest),
                api_keys::roles.eq(&roles),
                api_keys::created_by.eq(created_by),
                api_keys::expires_at.eq(req.expires_at),
            ))
            .returning(ApiKey::as_returning())
            .get_result(c)?)
    })
    .await?;
    tracing::info!(api_key = %key.id, prefix = %key.prefix, "API key created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/api-keys/{}", key.id)))
        .json(CreatedApiKey { key, api_key: secret }))
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
    let key = erp_db::transaction(&ctx.pool, move |c| {
        let key: ApiKey = api_keys::table
            .find(id)
            .select(ApiKey::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("API key"))?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        Ok(diesel::update(api_keys::table.find(id))
            .set(api_keys::revoked_at.eq(Utc::now()))
            .returning(ApiKey::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(web::Json(key))
}
