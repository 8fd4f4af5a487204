//! Sessions: password login, refresh-token rotation, logout, API-key exchange and the caller's
//! own password. Argon2 is deliberately slow, so these functions never run it: the handlers
//! verify and hash on a blocking thread without holding a connection, and call in with the
//! result.

use super::throttle;
use crate::db::{self, EmployeeRow};
use crate::domain::credentials;
use crate::domain::throttle::Subject;
use chrono::{Duration as ChronoDuration, Utc};
use diesel::PgConnection;
use erp_auth::{Claims, CurrentUser, JwtKeys, SubjectKind};
use erp_problem::AppError;
use std::time::Duration;
use uuid::Uuid;

/// The answer to every refused password login, whatever the reason.
const BAD_LOGIN: &str = "the login or the password is not correct";

/// How tokens are signed and how long they live (from the service's configuration).
#[derive(Clone, Copy)]
pub struct TokenSettings<'a> {
    pub keys: &'a JwtKeys,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

/// A new session: an access token and a refresh token for the employee.
#[derive(Debug)]
pub struct SessionView {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
    pub employee: EmployeeRow,
}

/// A short-lived access token (an API key's).
#[derive(Debug)]
pub struct AccessTokenView {
    pub access_token: String,
    pub expires_in: u64,
}

/// Why a refresh token was refused: the transaction still commits (a reused token revokes
/// every session of its employee), then the handler answers 401 with this.
pub type Refused = &'static str;

fn user_of(row: &EmployeeRow) -> CurrentUser {
    CurrentUser::from_claims(Claims {
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

/// The employee a login names (codes ignore case), if any; the handler verifies the password.
/// A locked account or address is refused (429) before anything is hashed.
pub fn login_candidate(conn: &mut PgConnection, code: &str, client: &str) -> Result<Option<EmployeeRow>, AppError> {
    throttle::check(conn, &[Subject::Account(code), Subject::Address(client)])?;
    db::employees::by_code(conn, code.trim())
}

/// The hash a login's password is verified against: the employee's, or one that matches
/// nothing, so that a wrong name and a wrong password take the same time.
pub fn hash_to_verify(candidate: Option<&EmployeeRow>) -> String {
    candidate
        .and_then(|r| r.password_hash.clone())
        .unwrap_or_else(|| credentials::dummy_hash().to_owned())
}

/// Ends a login once the password is verified: the session when it matched and the employee is
/// active, and the failures are forgotten; otherwise the refusal is counted (it commits) and
/// answered as an unknown login would be.
pub fn finish_login(
    conn: &mut PgConnection,
    tokens: TokenSettings<'_>,
    code: &str,
    client: &str,
    candidate: Option<&EmployeeRow>,
    verified: bool,
) -> Result<Result<SessionView, AppError>, AppError> {
    let subjects = [Subject::Account(code), Subject::Address(client)];
    match candidate {
        Some(row) if verified && row.active => {
            throttle::succeeded(conn, &subjects)?;
            Ok(Ok(open_session(conn, tokens, row)?))
        }
        _ => {
            throttle::failed(conn, &subjects)?;
            Ok(Err(AppError::Unauthorized(BAD_LOGIN.into())))
        }
    }
}

pub fn open_session(
    conn: &mut PgConnection,
    tokens: TokenSettings<'_>,
    row: &EmployeeRow,
) -> Result<SessionView, AppError> {
    let (access_token, _) = tokens.keys.issue(&user_of(row), tokens.access_ttl)?;
    let refresh_token = credentials::new_refresh_token();
    let ttl = tokens.refresh_ttl;
    let expires_at = Utc::now() + ChronoDuration::seconds(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 4));
    db::tokens::insert(conn, row.id, &credentials::digest(&refresh_token), expires_at)?;
    Ok(SessionView {
        access_token,
        expires_in: tokens.access_ttl.as_secs(),
        refresh_token,
        refresh_expires_in: ttl.as_secs(),
        employee: row.clone(),
    })
}

/// Exchanges a refresh token for a new session; the old one stops working. A token presented
/// again after that signs its employee out everywhere (it was probably stolen).
pub fn refresh(
    conn: &mut PgConnection,
    tokens: TokenSettings<'_>,
    refresh_token: &str,
) -> Result<Result<SessionView, Refused>, AppError> {
    let digest = credentials::digest(refresh_token.trim());
    let Some(token) = db::tokens::lock_by_hash(conn, &digest)? else {
        return Ok(Err("the refresh token is not valid"));
    };
    if token.revoked_at.is_some() {
        db::tokens::revoke_all_of(conn, token.employee_id)?;
        return Ok(Err("the refresh token was already used; sign in again"));
    }
    if token.expires_at <= Utc::now() {
        return Ok(Err("the refresh token has expired; sign in again"));
    }
    db::tokens::revoke(conn, token.id)?;
    let row = db::employees::lock(conn, token.employee_id)?;
    if !row.active {
        return Ok(Err("the employee is not active"));
    }
    Ok(Ok(open_session(conn, tokens, &row)?))
}

/// Ends a session: the refresh token is deleted, not revoked, since a revoked token presented
/// again means theft (see `refresh`) while a signed-out one is merely unknown.
pub fn logout(conn: &mut PgConnection, refresh_token: &str) -> Result<(), AppError> {
    let digest = credentials::digest(refresh_token.trim());
    if let Some(t) = db::tokens::lock_by_hash(conn, &digest)?
        && t.revoked_at.is_none()
    {
        db::tokens::delete(conn, t.id)?;
    }
    Ok(())
}

/// An integrator's API key for a short-lived access token carrying the key's roles. Refusals
/// count against the key's prefix and the client's address like failed logins (they commit).
pub fn api_key_token(
    conn: &mut PgConnection,
    tokens: TokenSettings<'_>,
    api_key: &str,
    client: &str,
) -> Result<Result<AccessTokenView, AppError>, AppError> {
    let presented = api_key.trim();
    let invalid = || AppError::Unauthorized("the API key is not valid".into());
    let prefix = credentials::api_key_prefix(presented).unwrap_or("");
    let subjects = [Subject::ApiKey(prefix), Subject::Address(client)];
    throttle::check(conn, &subjects)?;
    let key = match db::api_keys::by_prefix(conn, prefix)? {
        Some(key) if !prefix.is_empty() => key,
        _ => {
            throttle::failed(conn, &subjects)?;
            return Ok(Err(invalid()));
        }
    };
    let usable = credentials::same_digest(&key.key_hash, &credentials::digest(presented))
        && key.revoked_at.is_none()
        && key.expires_at.is_none_or(|at| at > Utc::now());
    if !usable {
        throttle::failed(conn, &subjects)?;
        return Ok(Err(invalid()));
    }
    throttle::succeeded(conn, &subjects)?;
    db::api_keys::touch(conn, key.id)?;
    let user = CurrentUser::from_claims(Claims {
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
    let (access_token, _) = tokens.keys.issue(&user, tokens.access_ttl)?;
    Ok(Ok(AccessTokenView {
        access_token,
        expires_in: tokens.access_ttl.as_secs(),
    }))
}

/// The hash the signed-in employee's current password is verified against (one that matches
/// nothing when they have no password yet).
pub fn own_password_hash(conn: &mut PgConnection, actor: &CurrentUser) -> Result<String, AppError> {
    let row = db::employees::find(conn, actor.id)?.ok_or_else(|| AppError::not_found("employee"))?;
    Ok(hash_to_verify(Some(&row)))
}

/// Stores the signed-in employee's new password hash; their other sessions end.
pub fn change_password(conn: &mut PgConnection, actor: &CurrentUser, new_hash: &str) -> Result<(), AppError> {
    set_password_hash(conn, actor.id, new_hash)
}

/// Stores a password hash and signs the employee out everywhere.
pub(crate) fn set_password_hash(conn: &mut PgConnection, id: Uuid, hash: &str) -> Result<(), AppError> {
    db::employees::set_password_hash(conn, id, hash)?;
    db::tokens::revoke_all_of(conn, id)
}
