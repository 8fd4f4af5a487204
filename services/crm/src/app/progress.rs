//! How far an order is (ordered, requested, issued, shipped, delivered and invoiced per line,
//! and the money received), and its completion once everything is shipped and paid.

use crate::db::order_fulfilment::set_order_status;
use crate::db::{self, OrderLineRow, SalesOrderRow};
use crate::domain::documents::{OrderAction, OrderStatus};
use crate::domain::fulfilment::ReceiptStatus;
use crate::domain::visibility::scope;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

/// An order line and what the customer signed for of it.
#[derive(Debug, Clone)]
pub struct LineView {
    pub line: OrderLineRow,
    pub delivered: Decimal,
}

#[derive(Debug, Clone)]
pub struct ProgressView {
    pub order: SalesOrderRow,
    pub lines: Vec<LineView>,
    /// Confirmed receipts.
    pub paid: Decimal,
    /// Recorded receipts waiting for finance.
    pub awaiting_confirmation: Decimal,
}

/// The order's progress, if the actor sees the order.
pub fn progress(c: &mut PgConnection, actor: &CurrentUser, order_id: Uuid) -> Result<ProgressView, AppError> {
    let order = db::visible_order(c, scope(actor), order_id)?;
    let mut delivered = db::shipments::delivered_by_line(c, order_id)?;
    let lines = db::order_lines(c, order_id)?
        .into_iter()
        .map(|line| LineView {
            delivered: delivered.remove(&line.id).unwrap_or(Decimal::ZERO),
            line,
        })
        .collect();
    Ok(ProgressView {
        paid: db::receipts::total(c, order_id, &[ReceiptStatus::Confirmed])?,
        awaiting_confirmation: db::receipts::total(c, order_id, &[ReceiptStatus::Recorded])?,
        order,
        lines,
    })
}

/// Completes an in-fulfilment order (locked by the caller) once every line is shipped in full
/// and confirmed receipts cover the total.
pub fn complete_if_done(c: &mut PgConnection, order: &SalesOrderRow) -> Result<bool, AppError> {
    let status = order.status;
    if status != OrderStatus::InFulfilment {
        return Ok(false);
    }
    let lines = db::order_lines(c, order.id)?;
    if lines.is_empty() || lines.iter().any(|l| l.shipped < l.quantity) {
        return Ok(false);
    }
    if db::receipts::total(c, order.id, &[ReceiptStatus::Confirmed])? < order.total {
        return Ok(false);
    }
    set_order_status(c, order.id, status.transition(OrderAction::Complete)?)?;
    Ok(true)
}
