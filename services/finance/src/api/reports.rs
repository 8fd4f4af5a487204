//! Reports: the trial balance; receivables aging (by customer or salesperson) and payables
//! aging (by supplier); profit and loss, gross margin (per order, customer or salesperson) and
//! VAT output against input for a period.

use super::READERS;
use crate::app::reports as app;
use crate::db::ledger::TrialBalanceRow;
use crate::db::reports::{AgingReport, GrossMargin, GroupBy, ProfitAndLoss, VatReport};
use actix_web::{get, web};
use chrono::{Datelike, NaiveDate};
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(trial_balance)
        .service(receivables_aging)
        .service(payables_aging)
        .service(profit_and_loss)
        .service(gross_margin)
        .service(vat);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrialBalanceQuery {
    /// First day included; from the beginning when absent.
    pub from: Option<NaiveDate>,
    /// Last day included; to the end when absent.
    pub to: Option<NaiveDate>,
    /// ISO 4217 code; lines in other currencies are left out.
    #[param(value_type = Option<erp_money::Currency>, inline)]
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
    let accounts = erp_db::with_conn(&ctx.pool, move |c| app::trial_balance(c, currency, from, to)).await?;
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgingQuery {
    /// The day the report is read at; today when absent.
    pub as_of: Option<NaiveDate>,
    /// ISO 4217 code; the book currency when absent.
    #[param(value_type = Option<erp_money::Currency>, inline)]
    pub currency: Option<String>,
    /// Receivables only: `customer` (default) or `salesperson`.
    #[param(schema_with = aging_groups)]
    pub group_by: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day included; the first of the current month when absent.
    pub from: Option<NaiveDate>,
    /// Last day included; today when absent.
    pub to: Option<NaiveDate>,
    /// ISO 4217 code; the book currency when absent.
    #[param(value_type = Option<erp_money::Currency>, inline)]
    pub currency: Option<String>,
    /// Gross margin only: `order` (default), `customer` or `salesperson`.
    #[param(schema_with = margin_groups)]
    pub group_by: Option<String>,
}

/// The `group_by` values of the aging reports, as the parameter's schema.
fn aging_groups() -> utoipa::openapi::schema::Object {
    groups(&[GroupBy::Customer, GroupBy::Salesperson, GroupBy::Supplier])
}

/// The `group_by` values of the gross margin, as the parameter's schema.
fn margin_groups() -> utoipa::openapi::schema::Object {
    groups(&[GroupBy::Order, GroupBy::Customer, GroupBy::Salesperson])
}

fn groups(values: &[GroupBy]) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values.iter().map(|g| g.as_str())))
        .build()
}

fn group_by(text: Option<&str>, allowed: &[GroupBy], default: GroupBy) -> Result<GroupBy, AppError> {
    match text {
        None => Ok(default),
        Some(t) => allowed.iter().copied().find(|g| g.as_str() == t).ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|g| g.as_str()).collect();
            AppError::validation("group_by", format!("must be one of {}", names.join(", ")))
        }),
    }
}

/// `from`..=`to` of a period query: the current month to date by default.
fn period(q: &PeriodQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let today = erp_calendar::today();
    let to = q.to.unwrap_or(today);
    let from = match q.from {
        Some(f) => f,
        None => to.with_day(1).unwrap_or(to),
    };
    if from > to {
        return Err(AppError::validation("to", "must not be before from"));
    }
    Ok((from, to))
}

/// What customers owe on issued invoices, less what they paid on those orders (oldest invoice
/// first), by days past due: not due, 0–30, 31–60, 61–90, over 90; per customer or salesperson.
#[utoipa::path(
    tag = "reports",
    params(AgingQuery),
    responses(
        (status = 200, body = AgingReport),
    )
)]
#[get("/api/v1/reports/receivables-aging")]
async fn receivables_aging(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<AgingQuery>,
) -> Result<web::Json<AgingReport>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let by = group_by(
        q.group_by.as_deref(),
        &[GroupBy::Customer, GroupBy::Salesperson],
        GroupBy::Customer,
    )?;
    let as_of = q.as_of.unwrap_or_else(erp_calendar::today);
    let report = erp_db::with_conn(&ctx.pool, move |c| {
        app::receivables_aging(c, q.currency.as_deref(), as_of, by)
    })
    .await?;
    Ok(web::Json(report))
}

/// What is owed to suppliers on received invoices, less what was paid on those purchase orders
/// (oldest invoice first), by days past due, per supplier.
#[utoipa::path(
    tag = "reports",
    params(AgingQuery),
    responses(
        (status = 200, body = AgingReport),
    )
)]
#[get("/api/v1/reports/payables-aging")]
async fn payables_aging(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<AgingQuery>,
) -> Result<web::Json<AgingReport>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    group_by(q.group_by.as_deref(), &[GroupBy::Supplier], GroupBy::Supplier)?;
    let as_of = q.as_of.unwrap_or_else(erp_calendar::today);
    let report = erp_db::with_conn(&ctx.pool, move |c| app::payables_aging(c, q.currency.as_deref(), as_of)).await?;
    Ok(web::Json(report))
}

/// Revenue and expense accounts over the period, gross profit (511 less 632) and net profit.
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    responses(
        (status = 200, body = ProfitAndLoss),
    )
)]
#[get("/api/v1/reports/profit-and-loss")]
async fn profit_and_loss(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> Result<web::Json<ProfitAndLoss>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let (from, to) = period(&q)?;
    if q.group_by.is_some() {
        return Err(AppError::validation("group_by", "is not used by the profit and loss"));
    }
    let report = erp_db::with_conn(&ctx.pool, move |c| {
        app::profit_and_loss(c, q.currency.as_deref(), from, to)
    })
    .await?;
    Ok(web::Json(report))
}

/// Net invoiced against the cost of goods issued, per order, customer or salesperson.
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    responses(
        (status = 200, body = GrossMargin),
    )
)]
#[get("/api/v1/reports/gross-margin")]
async fn gross_margin(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> Result<web::Json<GrossMargin>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let (from, to) = period(&q)?;
    let by = group_by(
        q.group_by.as_deref(),
        &[GroupBy::Order, GroupBy::Customer, GroupBy::Salesperson],
        GroupBy::Order,
    )?;
    let report = erp_db::with_conn(&ctx.pool, move |c| {
        app::gross_margin(c, q.currency.as_deref(), from, to, by)
    })
    .await?;
    Ok(web::Json(report))
}

/// Output VAT (33311) against deductible input VAT (1331) over the period, with the sales and
/// supplier invoices behind them.
#[utoipa::path(
    tag = "reports",
    params(PeriodQuery),
    responses(
        (status = 200, body = VatReport),
    )
)]
#[get("/api/v1/reports/vat")]
async fn vat(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> Result<web::Json<VatReport>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let (from, to) = period(&q)?;
    if q.group_by.is_some() {
        return Err(AppError::validation("group_by", "is not used by the VAT report"));
    }
    let report = erp_db::with_conn(&ctx.pool, move |c| app::vat(c, q.currency.as_deref(), from, to)).await?;
    Ok(web::Json(report))
}
