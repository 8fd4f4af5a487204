//! The chart of accounts and the accounting periods: everyone in finance reads them; a finance
//! manager keeps the chart and closes periods (nothing is posted into a closed one, 409
//! `period-closed`). Code, type and normal side of an account never change once created.

use super::{MANAGERS, READERS};
use crate::app::accounts::{self, AccountUpdate, NewAccountInput};
use crate::app::periods;
use crate::db::{AccountRow, PeriodRow};
use crate::domain::states::PeriodStatus;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_accounts)
        .service(create_account)
        .service(update_account)
        .service(list_periods)
        .service(close_period);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    pub code: String,
    pub name: String,
    /// `asset`, `liability`, `equity`, `revenue` or `expense`.
    pub account_type: String,
    /// `debit` or `credit`: the side a positive balance sits on.
    pub normal_side: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AccountRow> for Account {
    fn from(a: AccountRow) -> Self {
        Account {
            code: a.code,
            name: a.name,
            account_type: a.account_type,
            normal_side: a.normal_side,
            active: a.active,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Period {
    /// `yyyy-mm`.
    pub period: String,
    /// `open` or `closed`.
    #[schema(value_type = String)]
    pub status: PeriodStatus,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<PeriodRow> for Period {
    fn from(p: PeriodRow) -> Self {
        Period {
            period: p.period,
            status: p.status,
            closed_by: p.closed_by,
            closed_at: p.closed_at,
        }
    }
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
    let rows = erp_db::with_conn(&ctx.pool, accounts::list).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
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
    let account = erp_db::transaction(&ctx.pool, move |c| accounts::create(c, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/accounts/{}", account.code)))
        .json(Account::from(account)))
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
    let (code, input) = (code.into_inner(), body.into_inner());
    let account = erp_db::transaction(&ctx.pool, move |c| accounts::update(c, &code, &input)).await?;
    Ok(web::Json(account.into()))
}

/// Every period posted into or closed, newest first.
#[utoipa::path(
    tag = "periods",
    responses(
        (status = 200, body = Vec<Period>),
    )
)]
#[get("/api/v1/periods")]
async fn list_periods(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Vec<Period>>, AppError> {
    user.require_any(&READERS)?;
    let rows = erp_db::with_conn(&ctx.pool, periods::list).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(
    tag = "periods",
    params(("period" = String, Path, description = "`yyyy-mm`")),
    responses(
        (status = 200, body = Period),
        (status = 409, description = "already closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/periods/{period}/close")]
async fn close_period(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    period: web::Path<String>,
) -> Result<web::Json<Period>, AppError> {
    user.require_any(&MANAGERS)?;
    let period = period.into_inner();
    let p = erp_db::transaction(&ctx.pool, move |c| periods::close(c, &user, &period)).await?;
    Ok(web::Json(p.into()))
}
