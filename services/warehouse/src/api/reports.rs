//! The ledger check and rebuild, and the stale-stock report.

use crate::app::reports;
use crate::db::reports::StaleRow;
use crate::db::stock::LedgerMismatch as MismatchRow;
use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use erp_auth::{CurrentUser, Role};
use erp_problem::AppError;
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(ledger_check).service(rebuild_balances).service(stale_stock);
}

/// A balance that differs from the sum of its ledger rows (should never exist).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LedgerMismatch {
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub balance: Decimal,
    #[schema(value_type = String)]
    pub ledger: Decimal,
}

impl From<MismatchRow> for LedgerMismatch {
    fn from(r: MismatchRow) -> Self {
        LedgerMismatch {
            item_id: r.item_id,
            warehouse_id: r.warehouse_id,
            balance: r.balance,
            ledger: r.ledger,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerCheck {
    /// True when every balance equals the sum of its ledger rows.
    pub consistent: bool,
    pub mismatches: Vec<LedgerMismatch>,
}

/// Rebuilds every balance from the ledger and compares it with the stored one.
#[utoipa::path(
    tag = "stock",
    responses(
        (status = 200, body = LedgerCheck),
    )
)]
#[get("/api/v1/stock/ledger-check")]
async fn ledger_check(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<LedgerCheck>, AppError> {
    user.require_any(&[Role::WarehouseKeeper, Role::GeneralManager, Role::FinanceManager])?;
    let mismatches: Vec<LedgerMismatch> = erp_db::with_conn(&ctx.pool, reports::ledger_mismatches)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(web::Json(LedgerCheck {
        consistent: mismatches.is_empty(),
        mismatches,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rebuilt {
    /// Balances that differed from their ledger and were set to it.
    pub corrected: usize,
    pub mismatches_before: Vec<LedgerMismatch>,
}

/// Sets every balance to the sum of its ledger rows (after restoring a backup, say); the
/// differences found are returned and logged.
#[utoipa::path(
    tag = "stock",
    responses(
        (status = 200, body = Rebuilt),
    )
)]
#[post("/api/v1/stock/rebuild")]
async fn rebuild_balances(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Rebuilt>, AppError> {
    user.require_any(&[Role::GeneralManager])?;
    let (corrected, before) = erp_db::transaction(&ctx.pool, reports::rebuild_balances).await?;
    let mismatches_before: Vec<LedgerMismatch> = before.into_iter().map(Into::into).collect();
    if corrected > 0 {
        tracing::warn!(corrected, mismatches = ?mismatches_before, "stock balances rebuilt from the ledger");
    }
    Ok(web::Json(Rebuilt {
        corrected,
        mismatches_before,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaleQuery {
    /// Days without movement (default 365).
    #[param(minimum = 1, maximum = 36500)]
    pub days: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaleStock {
    pub item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub warehouse_id: Uuid,
    pub warehouse_code: String,
    #[schema(value_type = String)]
    pub on_hand: Decimal,
    /// On hand at the average cost.
    #[schema(value_type = String)]
    pub value: Decimal,
    pub last_movement_at: DateTime<Utc>,
    pub days_without_movement: i64,
    /// Who asked for the last purchase of it (seed 003: stock over a year counts against them).
    pub purchased_by: Option<String>,
}

impl From<StaleRow> for StaleStock {
    fn from(r: StaleRow) -> Self {
        StaleStock {
            item_id: r.item_id,
            sku: r.sku,
            name: r.name,
            warehouse_id: r.warehouse_id,
            warehouse_code: r.warehouse_code,
            on_hand: r.on_hand,
            value: r.value,
            last_movement_at: r.last_movement_at,
            days_without_movement: r.days_without_movement,
            purchased_by: r.purchased_by,
        }
    }
}

/// Stock that has not moved for `days` (a year by default), oldest first.
#[utoipa::path(
    tag = "stock",
    params(StaleQuery),
    responses(
        (status = 200, body = Vec<StaleStock>),
    )
)]
#[get("/api/v1/reports/stale-stock")]
async fn stale_stock(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<StaleQuery>,
) -> Result<web::Json<Vec<StaleStock>>, AppError> {
    let days = query.days.unwrap_or(365);
    if !(1..=36_500).contains(&days) {
        return Err(AppError::validation("days", "must be between 1 and 36500"));
    }
    let rows = erp_db::with_conn(&ctx.pool, move |c| reports::stale_stock(c, days)).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}
