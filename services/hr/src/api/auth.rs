//! Login, refresh, logout, API-key exchange, the caller's own profile and password.

use super::{Employee, client_address, hash_password, token_settings, verify_password};
use crate::app::auth::{self as app, AccessTokenView, SessionView};
use crate::app::employees;
use crate::domain::credentials;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use erp_auth::{CurrentUser, Role};
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

impl From<SessionView> for Session {
    fn from(s: SessionView) -> Self {
        Session {
            access_token: s.access_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
            refresh_token: s.refresh_token,
            refresh_expires_in: s.refresh_expires_in,
            employee: s.employee.into(),
        }
    }
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

impl From<AccessTokenView> for AccessToken {
    fn from(t: AccessTokenView) -> Self {
        AccessToken {
            access_token: t.access_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Password login. A wrong password and an unknown login get the same answer, in the same time.
/// After 5 failures in a row an account is locked for 30 s, doubling with each further failure
/// up to 15 min (20 failures for a client address); a success or an hr_admin's unlock clears it.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = Session),
        (status = 401, description = "wrong login or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many failed attempts for this account or address; `Retry-After` gives the seconds to wait", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "too many sign-ins at once; `Retry-After` gives the seconds to wait", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/login")]
async fn login(
    ctx: web::Data<AppContext>,
    http: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<web::Json<Session>, AppError> {
    let req = body.into_inner();
    let mut v = Validator::new();
    v.text("code", &req.code, 64)
        .check(!req.password.is_empty(), "password", "must not be empty");
    v.finish()?;
    // Check, verify, finish: argon2 runs between the two transactions without a connection.
    let (code, client) = (req.code, client_address(&http));
    let (code2, client2) = (code.clone(), client.clone());
    let candidate = erp_db::transaction(&ctx.pool, move |c| app::login_candidate(c, &code2, &client2)).await?;
    let verified = verify_password(req.password, app::hash_to_verify(candidate.as_ref())).await?;
    let ctx2 = ctx.clone();
    let session = erp_db::transaction(&ctx.pool, move |c| {
        app::finish_login(c, token_settings(&ctx2), &code, &client, candidate.as_ref(), verified)
    })
    .await??;
    tracing::info!(employee = %session.employee.id, "logged in");
    Ok(web::Json(session.into()))
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
    let token = body.into_inner().refresh_token;
    let ctx2 = ctx.clone();
    // A refusal still commits (reuse revokes every session), then answers 401.
    let outcome = erp_db::transaction(&ctx.pool, move |c| app::refresh(c, token_settings(&ctx2), &token)).await?;
    outcome
        .map(|s| web::Json(s.into()))
        .map_err(|m| AppError::Unauthorized(m.into()))
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
    let token = body.into_inner().refresh_token;
    erp_db::transaction(&ctx.pool, move |c| app::logout(c, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Integrators exchange their API key for a short-lived access token with the key's roles.
/// Refused keys lock like failed logins (per key and per client address).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = ApiKeyTokenRequest,
    responses(
        (status = 200, body = AccessToken),
        (status = 429, description = "too many refused keys for this key or address; `Retry-After` gives the seconds to wait", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/token")]
async fn api_key_token(
    ctx: web::Data<AppContext>,
    http: HttpRequest,
    body: Json<ApiKeyTokenRequest>,
) -> Result<web::Json<AccessToken>, AppError> {
    let (key, client) = (body.into_inner().api_key, client_address(&http));
    let ctx2 = ctx.clone();
    let token = erp_db::transaction(&ctx.pool, move |c| {
        app::api_key_token(c, token_settings(&ctx2), &key, &client)
    })
    .await??;
    Ok(web::Json(token.into()))
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
    let row = erp_db::with_conn(&ctx.pool, move |c| employees::get(c, user.id)).await?;
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
    // Argon2 (verify, then hash) runs between the read and the write without a connection.
    let actor = user.clone();
    let hash = erp_db::with_conn(&ctx.pool, move |c| app::own_password_hash(c, &actor)).await?;
    if !verify_password(req.current_password, hash).await? {
        return Err(AppError::validation("current_password", "is not correct"));
    }
    let new_hash = hash_password(req.new_password).await?;
    erp_db::transaction(&ctx.pool, move |c| app::change_password(c, &user, &new_hash)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The roles an employee or API key can hold.
#[utoipa::path(tag = "auth", responses((status = 200, body = Vec<Role>)))]
#[get("/api/v1/roles")]
async fn roles(_user: CurrentUser) -> web::Json<Vec<Role>> {
    web::Json(Role::ALL.to_vec())
}
