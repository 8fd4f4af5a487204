//! Where an order stands in its settlement — received, invoiced, paid — and its closing once
//! received, invoiced and paid in full with nothing waiting; the tolerances of the checks.

use crate::db::orders::{self as order_db, OrderLineRow, OrderRow};
use crate::db::tolerances::{self as tolerance_db, TolerancesRow};
use crate::db::{invoices as invoice_db, payments as payment_db};
use crate::domain::matching::{self, Settlement, Tolerances};
use crate::domain::orders::{OrderAction, OrderStatus};
use crate::domain::settlement::{InvoiceStatus, PaymentStatus};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Money as shown: two places, like the stored amounts.
pub(crate) fn money(d: Decimal) -> Decimal {
    let mut d = d;
    d.rescale(2);
    d
}

pub(crate) fn currency_of(o: &OrderRow) -> Result<Currency, AppError> {
    Currency::parse(&o.currency).map_err(AppError::internal)
}

/// Where the order stands: lines received and invoiced, blocked invoices, payments.
pub(crate) fn settlement(c: &mut PgConnection, order_id: Uuid, lines: &[OrderLineRow]) -> Result<Settlement, AppError> {
    let blocked = invoice_db::count(c, order_id, InvoiceStatus::Blocked)?;
    let open_payments = payment_db::count(c, order_id, &PaymentStatus::OPEN)?;
    Ok(Settlement {
        lines: lines.iter().map(|l| (l.quantity, l.received, l.invoiced)).collect(),
        blocked_invoices: usize::try_from(blocked).unwrap_or(usize::MAX),
        invoiced_total: invoice_db::total(c, order_id, &InvoiceStatus::COUNTED)?,
        open_payment_requests: usize::try_from(open_payments).unwrap_or(usize::MAX),
        paid: payment_db::paid_total(c, order_id)?,
    })
}

/// The most that may be requested in payments on an order: its total, or what its counted
/// invoices come to when that is more (prices within the tolerance, accepted differences).
pub(crate) fn payable_limit(c: &mut PgConnection, order: &OrderRow) -> Result<Decimal, AppError> {
    Ok(order
        .total
        .max(invoice_db::total(c, order.id, &InvoiceStatus::COUNTED)?))
}

/// Moves the (locked) order by `action` through the transition table; 409 when the table
/// refuses. Returns the new status.
pub(crate) fn advance(c: &mut PgConnection, order: &OrderRow, action: OrderAction) -> Result<OrderStatus, AppError> {
    let to = order.status.transition(action)?;
    if to != order.status {
        order_db::set_status(c, order.id, to)?;
    }
    Ok(to)
}

/// Closes a received order (locked by the caller) once it is received, invoiced and paid in
/// full with nothing waiting. Returns whether it closed.
pub(crate) fn close_if_settled(c: &mut PgConnection, order_id: Uuid) -> Result<bool, AppError> {
    let order = order_db::find(c, order_id)?;
    if order.status != OrderStatus::Received {
        return Ok(false);
    }
    let lines = order_db::lines(c, order_id)?;
    if !settlement(c, order_id, &lines)?.is_settled() {
        return Ok(false);
    }
    advance(c, &order, OrderAction::Close)?;
    Ok(true)
}

/// One order line's settlement.
#[derive(Debug, Clone)]
pub struct LineSettlementView {
    pub line: OrderLineRow,
    pub ordered: Decimal,
    pub arrived: Decimal,
    pub received: Decimal,
    pub invoiced: Decimal,
}

/// Where an order stands, in the figures shown.
#[derive(Debug, Clone)]
pub struct SettlementView {
    pub order: OrderRow,
    pub total: Decimal,
    pub lines: Vec<LineSettlementView>,
    pub invoiced_total: Decimal,
    pub blocked_invoices: usize,
    pub payments_requested: Decimal,
    pub paid: Decimal,
    pub payable_left: Decimal,
    pub fully_received: bool,
    pub fully_invoiced: bool,
    pub fully_paid: bool,
}

/// Where an order stands: ordered, arrived, received and invoiced per line; invoices and
/// payments; what is still missing before it closes.
pub fn order_settlement(c: &mut PgConnection, order_id: Uuid) -> Result<SettlementView, AppError> {
    let o = order_db::find(c, order_id)?;
    let lines = order_db::lines(c, order_id)?;
    let s = settlement(c, order_id, &lines)?;
    let requested = payment_db::total(c, order_id, &PaymentStatus::COUNTED)?;
    let limit = payable_limit(c, &o)?;
    Ok(SettlementView {
        total: money(o.total),
        lines: lines
            .into_iter()
            .map(|l| LineSettlementView {
                ordered: matching::quantity(l.quantity),
                arrived: matching::quantity(l.arrived),
                received: matching::quantity(l.received),
                invoiced: matching::quantity(l.invoiced),
                line: l,
            })
            .collect(),
        invoiced_total: money(s.invoiced_total),
        blocked_invoices: s.blocked_invoices,
        payments_requested: money(requested),
        paid: money(s.paid),
        payable_left: money((limit - requested).max(Decimal::ZERO)),
        fully_received: s.fully_received(),
        fully_invoiced: s.fully_invoiced(),
        fully_paid: s.fully_invoiced() && s.fully_paid(),
        order: o,
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TolerancesInput {
    /// 0–100, at most two decimal places.
    #[schema(value_type = String)]
    pub over_receipt_pct: Decimal,
    #[schema(value_type = String)]
    pub invoice_quantity_pct: Decimal,
    #[schema(value_type = String)]
    pub invoice_price_pct: Decimal,
}

/// The over-receipt and invoice-matching tolerances in force.
pub fn tolerances(c: &mut PgConnection) -> Result<TolerancesRow, AppError> {
    tolerance_db::row(c)
}

/// Changes the tolerances; they apply to arrivals and invoices from now on.
pub fn set_tolerances(
    c: &mut PgConnection,
    user: &CurrentUser,
    input: &TolerancesInput,
) -> Result<TolerancesRow, AppError> {
    let mut v = Validator::new();
    for (field, value) in [
        ("over_receipt_pct", input.over_receipt_pct),
        ("invoice_quantity_pct", input.invoice_quantity_pct),
        ("invoice_price_pct", input.invoice_price_pct),
    ] {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            v.add(field, "must be between 0 and 100");
        } else if value.normalize().scale() > 2 {
            v.add(field, "must have at most 2 decimal places");
        }
    }
    v.finish()?;
    let t = Tolerances {
        over_receipt_pct: input.over_receipt_pct,
        invoice_quantity_pct: input.invoice_quantity_pct,
        invoice_price_pct: input.invoice_price_pct,
    };
    tolerance_db::set(c, &t, &user.actor())
}
