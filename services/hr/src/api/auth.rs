//! Login, refresh, logout, API-key exchange, the caller's own profile and password.

use super::{Employee, blocking, hash_password};
use crate::db::{self, EmployeeRow, schema::employees};
use crate::domain::credentials;
use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration as ChronoDuration, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role, SubjectKind};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(api_key_token)
        .service(me)
        .service(change_password)
        .service(roles);
}

const BAD_LOGIN: &str = "the login or the password is not correct";

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Employee code, e.g. `NV001`.
    pub code: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
    pub employee: Employee,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiKeyTokenRequest {
    pub api_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

pub(crate) fn user_of(row: &EmployeeRow) -> CurrentUser {
    CurrentUser::from_claims(erp_auth::Claims {
        sub: row.id,
        kind: SubjectKind::Employee,
        code: row.code.clone(),
        name: row.name.clone(),
        dept: row.department_id,
        mgr: row.manager_id,
        roles: row.roles.clone(),
        iat: 0,
        exp: 0,
    })
}

/// Issues an access token and stores a new refresh token (inside the caller's transaction).
fn open_session(ctx: &AppContext, conn: &mut PgConnection, row: &EmployeeRow) -> Result<Session, AppError> {
    let (access_token, _) = ctx.keys.issue(&user_of(row), ctx.config.access_token_ttl)?;
    let refresh_token = credentials::new_refresh_token();
    let ttl = ctx.config.refresh_token_ttl;
    let expires_at = Utc::now() + ChronoDuration::seconds(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 4));
    db::insert_refresh_token(conn, row.id, &credentials::digest(&refresh_token), expires_at)?;
    Ok(Session {
        access_token,
        token_type: "Bearer",
        expires_in: ctx.config.access_token_ttl.as_secs(),
        refresh_token,
        refresh_expires_in: ttl.as_secs(),
        employee: row.clone().into(),
    })
}

/// Password login. A wrong password and an unknown login get the same answer, in the same time.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = Session),
        (status = 401, description = "wrong login or password", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/login")]
async fn login(ctx: web::Data<AppContext>, body: Json<LoginRequest>) -> Result<web::Json<Session>, AppError> {
    let req = body.into_inner();
    let mut v = Validator::new();
    v.text("code", &req.code, 64)
        .check(!req.password.is_empty(), "password", "must not be empty");
    v.finish()?;
    let code = req.code.trim().to_owned();
    let row = erp_db::with_conn(&ctx.pool, move |c| db::employee_by_code(c, &code)).await?;
    let hash = row
        .as_ref()
        .and_then(|r| r.password_hash.clone())
        .unwrap_or_else(|| credentials::dummy_hash().to_owned());
    let password = req.password;
    let verified = blocking(move || credentials::verify_password(&password, &hash)).await?;
    let row = match row {
        Some(r) if verified && r.active => r,
        _ => return Err(AppError::Unauthorized(BAD_LOGIN.into())),
    };
    let ctx2 = ctx.clone();
    let session = erp_db::transaction(&ctx.pool, move |c| open_session(&ctx2, c, &row)).await?;
    tracing::info!(employee = %session.employee.id, "logged in");
    Ok(web::Json(session))
}

/// Exchanges a refresh token for a new session; the old refresh token stops working. A refresh
/// token used twice signs the employee out everywhere (it was probably stolen).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, body = Session),
    )
)]
#[post("/api/v1/auth/refresh")]
async fn refresh(ctx: web::Data<AppContext>, body: Json<RefreshRequest>) -> Result<web::Json<Session>, AppError> {
    let digest = credentials::digest(body.refresh_token.trim());
    let ctx2 = ctx.clone();
    // Reuse must revoke everything even though the request fails: decide first, commit, then
    // answer.
    let outcome = erp_db::transaction(&ctx.pool, move |c| {
        let Some(token) = db::lock_refresh_token(c, &digest)? else {
            return Ok(Err("the refresh token is not valid"));
        };
        if token.revoked_at.is_some() {
            db::revoke_all_refresh_tokens(c, token.employee_id)?;
            return Ok(Err("the refresh token was already used; sign in again"));
        }
        if token.expires_at <= Utc::now() {
            return Ok(Err("the refresh token has expired; sign in again"));
        }
        db::revoke_refresh_token(c, token.id)?;
        let row = db::lock_employee(c, token.employee_id)?;
        if !row.active {
            return Ok(Err("the employee is not active"));
        }
        Ok(Ok(open_session(&ctx2, c, &row)?))
    })
    .await?;
    outcome.map(web::Json).map_err(|m| AppError::Unauthorized(m.into()))
}

/// Ends a session: the refresh token stops working (the access token runs out by itself).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "signed out"),
    )
)]
#[post("/api/v1/auth/logout")]
async fn logout(ctx: web::Data<AppContext>, body: Json<RefreshRequest>) -> Result<HttpResponse, AppError> {
    let digest = credentials::digest(body.refresh_token.trim());
    erp_db::transaction(&ctx.pool, move |c| {
        // Deleted, not revoked: a revoked token presented again means theft (see refresh),
        // a signed-out one is merely unknown.
        if let Some(t) = db::lock_refresh_token(c, &digest)?
            && t.revoked_at.is_none()
        {
            db::delete_refresh_token(c, t.id)?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Integrators exchange their API key for a short-lived access token with the key's roles.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = ApiKeyTokenRequest,
    responses(
        (status = 200, body = AccessToken),
    )
)]
#[post("/api/v1/auth/token")]
async fn api_key_token(
    ctx: web::Data<AppContext>,
    body: Json<ApiKeyTokenRequest>,
) -> Result<web::Json<AccessToken>, AppError> {
    let presented = body.into_inner().api_key.trim().to_owned();
    let invalid = || AppError::Unauthorized("the API key is not valid".into());
    let prefix = credentials::api_key_prefix(&presented).ok_or_else(invalid)?.to_owned();
    let key = erp_db::with_conn(&ctx.pool, move |c| db::api_key_by_prefix(c, &prefix))
        .await?
        .ok_or_else(invalid)?;
    let usable = credentials::same_digest(&key.key_hash, &credentials::digest(&presented))
        && key.revoked_at.is_none()
        && key.expires_at.is_none_or(|at| at > Utc::now());
    if !usable {
        return Err(invalid());
    }
    let id = key.id;
    erp_db::with_conn(&ctx.pool, move |c| {
        use crate::db::schema::api_keys;
        diesel::update(api_keys::table.find(id))
            .set(api_keys::last_used_at.eq(Utc::now()))
            .execute(c)?;
        Ok(())
    })
    .await?;
    let user = CurrentUser::from_claims(erp_auth::Claims {
        sub: key.id,
        kind: SubjectKind::ApiKey,
        code: format!("api-key:{}", key.prefix),
        name: key.name,
        dept: None,
        mgr: None,
        roles: key.roles,
        iat: 0,
        exp: 0,
    });
    let (access_token, _) = ctx.keys.issue(&user, ctx.config.access_token_ttl)?;
    Ok(web::Json(AccessToken {
        access_token,
        token_type: "Bearer",
        expires_in: ctx.config.access_token_ttl.as_secs(),
    }))
}

/// The signed-in employee.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, body = Employee),
        (status = 404, description = "the token is an API key's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/me")]
async fn me(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Employee>, AppError> {
    let id = user.id;
    let row = erp_db::with_conn(&ctx.pool, move |c| db::find_employee(c, id))
        .await?
        .ok_or_else(|| AppError::not_found("employee"))?;
    Ok(web::Json(row.into()))
}

/// Changes the signed-in employee's password; other sessions are signed out.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "changed"),
        (status = 422, description = "wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/me/password")]
async fn change_password(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<ChangePasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let req = body.into_inner();
    if let Err(m) = credentials::check_password_policy(&req.new_password) {
        return Err(AppError::validation("new_password", m));
    }
    let id = user.id;
    let row = erp_db::with_conn(&ctx.pool, move |c| db::find_employee(c, id))
        .await?
        .ok_or_else(|| AppError::not_found("employee"))?;
    let hash = row
        .password_hash
        .clone()
        .unwrap_or_else(|| credentials::dummy_hash().to_owned());
    let current = req.current_password;
    if !blocking(move || credentials::verify_password(&current, &hash)).await? {
        return Err(AppError::validation("current_password", "is not correct"));
    }
    let new_hash = hash_password(req.new_password).await?;
    erp_db::transaction(&ctx.pool, move |c| {
        diesel::update(employees::table.find(id))
            .set((
                employees::password_hash.eq(&new_hash),
                employees::password_changed_at.eq(Utc::now()),
            ))
            .execute(c)?;
        db::revoke_all_refresh_tokens(c, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The roles an employee or API key can hold.
#[utoipa::path(tag = "auth", responses((status = 200, body = Vec<Role>)))]
#[get("/api/v1/roles")]
async fn roles(_user: CurrentUser) -> web::Json<Vec<Role>> {
    web::Json(Role::ALL.to_vec())
}
