//! Accounting periods, one per month. A period is open until a finance manager closes it;
//! nothing is posted into a closed period (409 `period-closed`).

use super::{MANAGERS, READERS};
use crate::db::{Period, ledger, schema::periods};
use actix_web::{get, post, web};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Problem};
use erp_server::AppContext;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_periods).service(close_period);
}

/// `yyyy-mm` with a real month.
fn valid_period(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && matches!(p[5..].parse::<u32>(), Ok(1..=12))
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
    let rows = erp_db::with_conn(&ctx.pool, |c| {
        Ok(periods::table
            .order(periods::period.desc())
            .select(Period::as_select())
            .load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
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
    if !valid_period(&period) {
        return Err(AppError::validation("period", "must be a month as yyyy-mm"));
    }
    let actor = user.actor();
    let p = erp_db::transaction(&ctx.pool, move |c| ledger::close_period(c, &period, &actor)).await?;
    Ok(web::Json(p))
}

#[cfg(test)]
mod tests {
    #[test]
    fn periods() {
        assert!(super::valid_period("2026-01") && super::valid_period("2026-12"));
        assert!(!super::valid_period("2026-13") && !super::valid_period("2026-1") && !super::valid_period("26-01-01"));
    }
}
