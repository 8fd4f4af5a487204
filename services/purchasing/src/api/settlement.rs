//! The settlement view of an order (received, invoiced, paid) and the tolerances of the
//! arrival and invoice checks.

use crate::app::settlement::{self as app, LineSettlementView, SettlementView, TolerancesInput};
use crate::db::tolerances::TolerancesRow;
use crate::domain::orders::OrderStatus;
use crate::domain::roles::{SETTLEMENT_READERS, TOLERANCE_EDITORS};
use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(order_settlement)
        .service(get_tolerances)
        .service(set_tolerances);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineSettlement {
    pub order_line_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    pub unit: String,
    #[schema(value_type = String)]
    pub ordered: Decimal,
    /// Announced to the warehouse (less what it did not receive).
    #[schema(value_type = String)]
    pub arrived: Decimal,
    /// Confirmed by the warehouse keeper.
    #[schema(value_type = String)]
    pub received: Decimal,
    /// On matched or accepted supplier invoices.
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

impl From<LineSettlementView> for LineSettlement {
    fn from(v: LineSettlementView) -> Self {
        LineSettlement {
            order_line_id: v.line.id,
            line_no: v.line.line_no,
            item_id: v.line.item_id,
            description: v.line.description,
            unit: v.line.unit,
            ordered: v.ordered,
            arrived: v.arrived,
            received: v.received,
            invoiced: v.invoiced,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSettlement {
    pub order_id: Uuid,
    pub order_number: String,
    #[schema(value_type = String)]
    pub status: OrderStatus,
    pub currency: String,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lines: Vec<LineSettlement>,
    /// Matched and accepted invoices.
    #[schema(value_type = String)]
    pub invoiced_total: Decimal,
    pub blocked_invoices: usize,
    /// Payment requests not rejected (waiting, approved or paid).
    #[schema(value_type = String)]
    pub payments_requested: Decimal,
    /// What finance paid.
    #[schema(value_type = String)]
    pub paid: Decimal,
    /// What may still be requested in payments.
    #[schema(value_type = String)]
    pub payable_left: Decimal,
    pub fully_received: bool,
    pub fully_invoiced: bool,
    pub fully_paid: bool,
}

impl From<SettlementView> for OrderSettlement {
    fn from(v: SettlementView) -> Self {
        OrderSettlement {
            order_id: v.order.id,
            order_number: v.order.number,
            status: v.order.status,
            currency: v.order.currency,
            total: v.total,
            lines: v.lines.into_iter().map(Into::into).collect(),
            invoiced_total: v.invoiced_total,
            blocked_invoices: v.blocked_invoices,
            payments_requested: v.payments_requested,
            paid: v.paid,
            payable_left: v.payable_left,
            fully_received: v.fully_received,
            fully_invoiced: v.fully_invoiced,
            fully_paid: v.fully_paid,
        }
    }
}

// The schema keeps the name it had when the row was the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToleranceRow {
    /// More may arrive than ordered, up to this percentage of the ordered quantity.
    #[schema(value_type = String)]
    pub over_receipt_pct: Decimal,
    /// An invoiced quantity may exceed what was received and not yet invoiced by this percentage.
    #[schema(value_type = String)]
    pub invoice_quantity_pct: Decimal,
    /// An invoiced unit price may differ from the order's by this percentage, either way.
    #[schema(value_type = String)]
    pub invoice_price_pct: Decimal,
    pub updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<TolerancesRow> for ToleranceRow {
    fn from(r: TolerancesRow) -> Self {
        ToleranceRow {
            over_receipt_pct: r.over_receipt_pct,
            invoice_quantity_pct: r.invoice_quantity_pct,
            invoice_price_pct: r.invoice_price_pct,
            updated_by: r.updated_by,
            updated_at: r.updated_at,
        }
    }
}

/// Where an order stands: ordered, arrived, received and invoiced per line; invoices and
/// payments; what is still missing before it closes.
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderSettlement),
    )
)]
#[get("/api/v1/purchase-orders/{id}/settlement")]
async fn order_settlement(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderSettlement>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::order_settlement(c, id)).await?;
    Ok(web::Json(v.into()))
}

/// The over-receipt and invoice-matching tolerances in force.
#[utoipa::path(
    tag = "supplier invoices",
    responses(
        (status = 200, body = ToleranceRow),
    )
)]
#[get("/api/v1/settlement-tolerances")]
async fn get_tolerances(ctx: web::Data<AppContext>, _user: CurrentUser) -> Result<web::Json<ToleranceRow>, AppError> {
    let row = erp_db::with_conn(&ctx.pool, app::tolerances).await?;
    Ok(web::Json(row.into()))
}

/// The general manager changes the tolerances; they apply to arrivals and invoices from now on.
#[utoipa::path(
    tag = "supplier invoices",
    request_body = TolerancesInput,
    responses(
        (status = 200, body = ToleranceRow),
    )
)]
#[put("/api/v1/settlement-tolerances")]
async fn set_tolerances(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<TolerancesInput>,
) -> Result<web::Json<ToleranceRow>, AppError> {
    user.require_any(&TOLERANCE_EDITORS)?;
    let input = body.into_inner();
    let row = erp_db::transaction(&ctx.pool, move |c| app::set_tolerances(c, &user, &input)).await?;
    Ok(web::Json(row.into()))
}
