//! The chart of accounts: everyone in finance reads it, a finance manager adds and renames
//! accounts or retires them. Code, type and normal side never change once created.

use super::{MANAGERS, READERS};
use crate::db::{self, Account, schema::accounts};
use crate::domain::chart;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_accounts)
        .service(create_account)
        .service(update_account);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAccountInput {
    /// 3 to 8 digits, e.g. `1121`.
    pub code: String,
    pub name: String,
    /// `asset`, `liability`, `equity`, `revenue` or `expense`.
    pub account_type: String,
    /// `debit` or `credit`.
    pub normal_side: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountUpdate {
    pub name: String,
    pub active: bool,
    pub version: i64,
}

#[utoipa::path(
    tag = "accounts",
    responses(
        (status = 200, body = Vec<Account>),
    )
)]
#[get("/api/v1/accounts")]
async fn list_accounts(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Vec<Account>>, AppError> {
    user.require_any(&READERS)?;
    let rows = erp_db::with_conn(&ctx.pool, |c| {
        Ok(accounts::table
            .order(accounts::code)
            .select(Account::as_select())
            .load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
}

#[utoipa::path(
    tag = "accounts",
    request_body = NewAccountInput,
    responses(
        (status = 201, body = Account),
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/accounts")]
async fn create_account(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewAccountInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&MANAGERS)?;
    let input = body.into_inner();
    let code = input.code.trim().to_owned();
    let mut v = Validator::new();
    v.check(chart::valid_code(&code), "code", "must be 3 to 8 digits");
    v.text("name", &input.name, 200);
    if !chart::ACCOUNT_TYPES.contains(&input.account_type.as_str()) {
        v.add(
            "account_type",
            format!("must be one of {}", chart::ACCOUNT_TYPES.join(", ")),
        );
    }
    if !chart::SIDES.contains(&input.normal_side.as_str()) {
        v.add("normal_side", "must be debit or credit");
    }
    v.finish()?;
    let account = erp_db::transaction(&ctx.pool, move |c| {
        if db::find_account(c, &code)?.is_some() {
            return Err(AppError::Conflict {
                slug: "duplicate",
                detail: format!("account {code} already exists"),
            });
        }
        diesel::insert_into(accounts::table)
            .values((
                accounts::code.eq(&code),
                accounts::name.eq(input.name.trim()),
                accounts::account_type.eq(&input.account_type),
                accounts::normal_side.eq(&input.normal_side),
            ))
            .execute(c)?;
        db::find_account(c, &code)?.ok_or_else(|| AppError::internal("account vanished"))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/accounts/{}", account.code)))
        .json(account))
}

/// Renames an account or (de)activates it; `version` must be the one read.
#[utoipa::path(
    tag = "accounts",
    params(("code" = String, Path, description = "account code")),
    request_body = AccountUpdate,
    responses(
        (status = 200, body = Account),
        (status = 409, description = "stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/accounts/{code}")]
async fn update_account(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    code: web::Path<String>,
    body: Json<AccountUpdate>,
) -> Result<web::Json<Account>, AppError> {
    user.require_any(&MANAGERS)?;
    let code = code.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("name", &input.name, 200);
    v.finish()?;
    let account = erp_db::transaction(&ctx.pool, move |c| {
        let changed = diesel::update(accounts::table.find(&code).filter(accounts::version.eq(input.version)))
            .set((
                accounts::name.eq(input.name.trim()),
                accounts::active.eq(input.active),
                accounts::version.eq(accounts::version + 1),
                accounts::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        if changed == 0 {
            return match db::find_account(c, &code)? {
                Some(_) => Err(AppError::stale_version("the account")),
                None => Err(AppError::not_found("account")),
            };
        }
        db::find_account(c, &code)?.ok_or_else(|| AppError::internal("account vanished"))
    })
    .await?;
    Ok(web::Json(account))
}
