//! Tables, models and queries of settlement: payment requests, arrivals, supplier invoices and
//! the tolerances; the order's status moves and its closing once received, invoiced and paid.

use super::schema::purchase_order_lines;
use super::{OrderLine, PurchaseOrder};
use crate::domain::matching::{Settlement, Tolerances};
use crate::domain::status::{OrderAction, OrderStatus};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

diesel::table! {
    settlement_tolerances (id) {
        id -> Bool,
        over_receipt_pct -> Numeric,
        invoice_quantity_pct -> Numeric,
        invoice_price_pct -> Numeric,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    payment_requests (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        supplier_id -> Uuid,
        kind -> Text,
        currency -> Text,
        amount -> Numeric,
        due_date -> Nullable<Date>,
        note -> Nullable<Text>,
        status -> Text,
        requested_by -> Text,
        requested_at -> Timestamptz,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
        paid_amount -> Nullable<Numeric>,
        paid_on -> Nullable<Date>,
        payment_reference -> Nullable<Text>,
        paid_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    arrivals (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        warehouse_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        status -> Text,
        requested_by -> Text,
        created_at -> Timestamptz,
        note_id -> Nullable<Uuid>,
        note_number -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    arrival_lines (id) {
        id -> Uuid,
        arrival_id -> Uuid,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_cost -> Numeric,
        received -> Nullable<Numeric>,
        discrepancy -> Nullable<Text>,
    }
}

diesel::table! {
    supplier_invoices (id) {
        id -> Uuid,
        order_id -> Uuid,
        order_number -> Text,
        supplier_id -> Uuid,
        invoice_number -> Text,
        invoice_date -> Date,
        due_date -> Nullable<Date>,
        currency -> Text,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        status -> Text,
        mismatches -> Jsonb,
        recorded_by -> Text,
        created_at -> Timestamptz,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
    }
}

diesel::table! {
    supplier_invoice_lines (id) {
        id -> Uuid,
        invoice_id -> Uuid,
        line_no -> Int4,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_price -> Numeric,
        tax_rate -> Numeric,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        order_price -> Numeric,
        open_quantity -> Numeric,
    }
}

diesel::joinable!(arrival_lines -> arrivals (arrival_id));
diesel::joinable!(supplier_invoice_lines -> supplier_invoices (invoice_id));
diesel::allow_tables_to_appear_in_same_query!(
    settlement_tolerances,
    payment_requests,
    arrivals,
    arrival_lines,
    supplier_invoices,
    supplier_invoice_lines,
);

/// Payment request states.
pub const PAYMENT_STATUSES: [&str; 4] = ["requested", "approved", "rejected", "paid"];
/// Supplier invoice states.
pub const INVOICE_STATUSES: [&str; 4] = ["matched", "blocked", "accepted", "rejected"];
/// Invoices that count: their lines are invoiced and finance has booked them.
pub const COUNTED_INVOICES: [&str; 2] = ["matched", "accepted"];

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = settlement_tolerances)]
pub struct ToleranceRow {
    #[serde(skip)]
    pub id: bool,
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

impl ToleranceRow {
    pub fn tolerances(&self) -> Tolerances {
        Tolerances {
            over_receipt_pct: self.over_receipt_pct,
            invoice_quantity_pct: self.invoice_quantity_pct,
            invoice_price_pct: self.invoice_price_pct,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = payment_requests)]
pub struct PaymentRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    /// `deposit`, `part` or `final`.
    pub kind: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
    /// `requested` (waiting for finance), `approved` (to be paid), `rejected` or `paid`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    #[schema(value_type = Option<String>)]
    pub paid_amount: Option<Decimal>,
    pub paid_on: Option<NaiveDate>,
    pub payment_reference: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = arrivals)]
pub struct Arrival {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    /// `requested` (waiting for the warehouse keeper) or `confirmed`.
    pub status: String,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    /// The warehouse's inbound note.
    pub note_id: Option<Uuid>,
    pub note_number: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = arrival_lines)]
pub struct ArrivalLine {
    pub id: Uuid,
    #[serde(skip)]
    pub arrival_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    /// Announced to the warehouse.
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    /// Counted by the warehouse keeper, once confirmed.
    #[schema(value_type = Option<String>)]
    pub received: Option<Decimal>,
    /// The keeper's reason when the count differs from the announcement.
    pub discrepancy: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = supplier_invoices)]
pub struct SupplierInvoice {
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    /// The supplier's number.
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    /// The invoice date plus the order's payment days.
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// `matched`, `blocked` (differences wait for a purchasing manager), `accepted` or `rejected`.
    pub status: String,
    /// Why the invoice was blocked: one sentence per difference, naming the line.
    #[schema(value_type = Vec<String>)]
    pub mismatches: serde_json::Value,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = supplier_invoice_lines)]
pub struct SupplierInvoiceLine {
    pub id: Uuid,
    #[serde(skip)]
    pub invoice_id: Uuid,
    pub line_no: i32,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The order line's unit price the line was matched against.
    #[schema(value_type = String)]
    pub order_price: Decimal,
    /// Received and not yet invoiced when the invoice came in.
    #[schema(value_type = String)]
    pub open_quantity: Decimal,
}

pub fn tolerance_row(conn: &mut PgConnection) -> Result<ToleranceRow, AppError> {
    settlement_tolerances::table
        .select(ToleranceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::internal("the settlement_tolerances row is missing"))
}

pub fn tolerances(conn: &mut PgConnection) -> Result<Tolerances, AppError> {
    Ok(tolerance_row(conn)?.tolerances())
}

/// Moves the (locked) order by `action` through the transition table; 409 when the table
/// refuses. Returns the new status.
pub(crate) fn advance(
    conn: &mut PgConnection,
    order: &PurchaseOrder,
    action: OrderAction,
) -> Result<OrderStatus, AppError> {
    let from = OrderStatus::parse(&order.status)?;
    let to = from.transition(action)?;
    if to != from {
        super::set_order_status(conn, order.id, to)?;
    }
    Ok(to)
}

/// Lines of several orders' arrivals, for detail views.
pub fn arrival_lines_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<ArrivalLine>, AppError> {
    Ok(arrival_lines::table
        .filter(arrival_lines::arrival_id.eq_any(ids))
        .order(arrival_lines::id)
        .select(ArrivalLine::as_select())
        .load(conn)?)
}

pub fn invoice_lines_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<SupplierInvoiceLine>, AppError> {
    Ok(supplier_invoice_lines::table
        .filter(supplier_invoice_lines::invoice_id.eq_any(ids))
        .order((supplier_invoice_lines::invoice_id, supplier_invoice_lines::line_no))
        .select(SupplierInvoiceLine::as_select())
        .load(conn)?)
}

/// The sum of an order's payment requests in `statuses`.
pub fn payment_total(conn: &mut PgConnection, order_id: Uuid, statuses: &[&str]) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .filter(payment_requests::status.eq_any(statuses))
        .select(diesel::dsl::sum(payment_requests::amount))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// The sum of what finance paid on an order's payment requests.
pub fn paid_total(conn: &mut PgConnection, order_id: Uuid) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .filter(payment_requests::status.eq("paid"))
        .select(diesel::dsl::sum(payment_requests::paid_amount))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// The sum of the totals of an order's invoices in `statuses`.
pub fn invoice_total(conn: &mut PgConnection, order_id: Uuid, statuses: &[&str]) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = supplier_invoices::table
        .filter(supplier_invoices::order_id.eq(order_id))
        .filter(supplier_invoices::status.eq_any(statuses))
        .select(diesel::dsl::sum(supplier_invoices::total))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// The most that may be requested in payments on an order: its total, or what its counted
/// invoices come to when that is more (prices within the tolerance, accepted differences).
pub fn payable_limit(conn: &mut PgConnection, order: &PurchaseOrder) -> Result<Decimal, AppError> {
    Ok(order.total.max(invoice_total(conn, order.id, &COUNTED_INVOICES)?))
}

/// Where the order stands: lines received and invoiced, blocked invoices, payments.
pub fn settlement(conn: &mut PgConnection, order_id: Uuid, lines: &[OrderLine]) -> Result<Settlement, AppError> {
    let blocked: i64 = supplier_invoices::table
        .filter(supplier_invoices::order_id.eq(order_id))
        .filter(supplier_invoices::status.eq("blocked"))
        .count()
        .get_result(conn)?;
    let open_payments: i64 = payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .filter(payment_requests::status.eq_any(["requested", "approved"]))
        .count()
        .get_result(conn)?;
    Ok(Settlement {
        lines: lines.iter().map(|l| (l.quantity, l.received, l.invoiced)).collect(),
        blocked_invoices: usize::try_from(blocked).unwrap_or(usize::MAX),
        invoiced_total: invoice_total(conn, order_id, &COUNTED_INVOICES)?,
        open_payment_requests: usize::try_from(open_payments).unwrap_or(usize::MAX),
        paid: paid_total(conn, order_id)?,
    })
}

/// Closes a received order (locked by the caller) once it is received, invoiced and paid in
/// full with nothing waiting. Returns whether it closed.
pub fn close_if_settled(conn: &mut PgConnection, order_id: Uuid) -> Result<bool, AppError> {
    let order = super::find_order(conn, order_id)?;
    if OrderStatus::parse(&order.status)? != OrderStatus::Received {
        return Ok(false);
    }
    let lines = super::order_lines(conn, order_id)?;
    if !settlement(conn, order_id, &lines)?.is_settled() {
        return Ok(false);
    }
    advance(conn, &order, OrderAction::Close)?;
    Ok(true)
}

/// Locks an order's lines (after the order itself: one lock order everywhere).
pub fn lock_order_lines(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<OrderLine>, AppError> {
    Ok(purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq(order_id))
        .order(purchase_order_lines::line_no)
        .select(OrderLine::as_select())
        .for_update()
        .load(conn)?)
}
