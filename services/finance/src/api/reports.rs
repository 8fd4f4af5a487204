//! Reports: the trial balance (profit and loss, balance sheet, aging and VAT come later).

use super::READERS;
use crate::db::ledger::{self, TrialBalanceRow};
use actix_web::{get, web};
use chrono::NaiveDate;
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(trial_balance);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrialBalanceQuery {
    /// First day included; from the beginning when absent.
    pub from: Option<NaiveDate>,
    /// Last day included; to the end when absent.
    pub to: Option<NaiveDate>,
    /// ISO 4217 code; lines in other currencies are left out.
    pub currency: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrialBalance {
    pub currency: Currency,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub accounts: Vec<TrialBalanceRow>,
    #[schema(value_type = String)]
    pub total_debit: Decimal,
    #[schema(value_type = String)]
    pub total_credit: Decimal,
}

/// Debits, credits and balance (debit minus credit) per account over the dates; the totals are
/// equal because every entry balances.
#[utoipa::path(
    tag = "reports",
    params(TrialBalanceQuery),
    responses(
        (status = 200, body = TrialBalance),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/reports/trial-balance")]
async fn trial_balance(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<TrialBalanceQuery>,
) -> Result<web::Json<TrialBalance>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let mut v = Validator::new();
    let currency = match q.currency.as_deref().map(Currency::parse) {
        None => {
            v.add("currency", "is required");
            None
        }
        Some(Err(e)) => {
            v.add("currency", e.to_string());
            None
        }
        Some(Ok(c)) => Some(c),
    };
    if let (Some(f), Some(t)) = (q.from, q.to) {
        v.check(f <= t, "to", "must not be before from");
    }
    v.finish()?;
    let currency = currency.ok_or_else(|| AppError::validation("currency", "is required"))?;
    let from = q.from.unwrap_or(NaiveDate::MIN);
    let to = q.to.unwrap_or(NaiveDate::MAX);
    let from = from.max(NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(from));
    let to = to.min(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(to));
    let accounts = erp_db::with_conn(&ctx.pool, move |c| ledger::trial_balance(c, currency, from, to)).await?;
    let total_debit = accounts.iter().map(|r| r.debit).sum();
    let total_credit = accounts.iter().map(|r| r.credit).sum();
    Ok(web::Json(TrialBalance {
        currency,
        from: q.from,
        to: q.to,
        accounts,
        total_debit: erp_money::round(total_debit, currency),
        total_credit: erp_money::round(total_credit, currency),
    }))
}
