//! Sales orders as finance knows them from crm's events (lines, delivered, invoiced), and the
//! sales invoices issued for them (`invoices`).

mod invoices;

pub use invoices::{
    InvoiceFilter, InvoiceLineRow, InvoiceRow, InvoiceView, NewInvoice, add_invoiced, find_invoice, insert_invoice,
    list_invoices,
};

use super::schema::{deliveries, outbound_requests, sales_issues, sales_order_lines, sales_orders, sales_receipts};
use crate::domain::invoice::LineState;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use erp_contracts::crm::{OrderApproved, ShipmentDelivered};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_orders)]
pub struct SalesOrderRow {
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    /// The salesperson who owns the order.
    pub owner_id: Uuid,
    pub currency: String,
    pub payment_days: i32,
    pub order_date: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_order_lines)]
pub struct SalesOrderLineRow {
    pub line_id: Uuid,
    pub order_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    /// Signed for by the customer.
    pub delivered: Decimal,
    pub invoiced: Decimal,
    pub invoiced_net: Decimal,
    pub invoiced_tax: Decimal,
}

impl SalesOrderLineRow {
    pub fn state(&self) -> LineState {
        LineState {
            quantity: self.quantity,
            net: self.net,
            tax: self.tax,
            delivered: self.delivered,
            invoiced: self.invoiced,
            invoiced_net: self.invoiced_net,
            invoiced_tax: self.invoiced_tax,
        }
    }
}

/// A sales order with its lines: what can still be invoiced.
#[derive(Debug, Clone)]
pub struct SalesOrderView {
    pub order: SalesOrderRow,
    pub lines: Vec<SalesOrderLineRow>,
}

/// Writes (or rewrites, for `crm.order.changed`) an order and its lines; what was delivered
/// and invoiced stays.
pub fn upsert_order(conn: &mut PgConnection, o: &OrderApproved) -> Result<(), AppError> {
    diesel::insert_into(sales_orders::table)
        .values((
            sales_orders::order_id.eq(o.order_id),
            sales_orders::order_number.eq(&o.order_number),
            sales_orders::customer_id.eq(o.customer_id),
            sales_orders::customer_name.eq(&o.customer_name),
            sales_orders::owner_id.eq(o.owner_id),
            sales_orders::currency.eq(&o.currency),
            sales_orders::payment_days.eq(o.payment_days.max(0)),
            sales_orders::order_date.eq(o.order_date),
        ))
        .on_conflict(sales_orders::order_id)
        .do_update()
        .set((
            sales_orders::order_number.eq(&o.order_number),
            sales_orders::customer_name.eq(&o.customer_name),
            sales_orders::owner_id.eq(o.owner_id),
            sales_orders::payment_days.eq(o.payment_days.max(0)),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    let rows: Vec<_> = o
        .lines
        .iter()
        .map(|l| {
            (
                sales_order_lines::line_id.eq(l.line_id),
                sales_order_lines::order_id.eq(o.order_id),
                sales_order_lines::item_id.eq(l.item_id),
                sales_order_lines::quantity.eq(l.quantity),
                sales_order_lines::unit_price.eq(l.unit_price),
                sales_order_lines::net.eq(l.net),
                sales_order_lines::tax.eq(l.tax),
            )
        })
        .collect();
    // One statement per 1,000 lines (under PostgreSQL's bind-parameter limit), not one per line:
    // a 1,000-line order arrives in one event.
    for chunk in rows.chunks(1000) {
        diesel::insert_into(sales_order_lines::table)
            .values(chunk)
            .on_conflict(sales_order_lines::line_id)
            .do_update()
            .set((
                sales_order_lines::item_id.eq(excluded(sales_order_lines::item_id)),
                sales_order_lines::quantity.eq(excluded(sales_order_lines::quantity)),
                sales_order_lines::unit_price.eq(excluded(sales_order_lines::unit_price)),
                sales_order_lines::net.eq(excluded(sales_order_lines::net)),
                sales_order_lines::tax.eq(excluded(sales_order_lines::tax)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Adds a signed-for shipment to its order lines' `delivered`, once per shipment (`false` when
/// it was known). An order finance has not heard of yet is a failure, retried later: its
/// approval is on the way.
pub fn record_delivery(conn: &mut PgConnection, e: &ShipmentDelivered) -> Result<bool, AppError> {
    let known: Option<Uuid> = sales_orders::table
        .find(e.order_id)
        .select(sales_orders::order_id)
        .for_update()
        .first(conn)
        .optional()?;
    if known.is_none() {
        return Err(AppError::Conflict {
            slug: "unknown-order",
            detail: format!("sales order {} is not known to finance yet", e.order_number),
        });
    }
    let inserted = diesel::insert_into(deliveries::table)
        .values((
            deliveries::shipment_id.eq(e.shipment_id),
            deliveries::order_id.eq(e.order_id),
            deliveries::delivered_at.eq(e.delivered_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        return Ok(false);
    }
    for l in &e.lines {
        let n = diesel::update(
            sales_order_lines::table
                .filter(sales_order_lines::line_id.eq(l.order_line_id))
                .filter(sales_order_lines::order_id.eq(e.order_id)),
        )
        .set(sales_order_lines::delivered.eq(sales_order_lines::delivered + l.quantity.max(Decimal::ZERO)))
        .execute(conn)?;
        if n == 0 {
            tracing::warn!(shipment = %e.shipment_id, line = %l.order_line_id, "delivered line is not a line of the order; ignored");
        }
    }
    Ok(true)
}

/// Remembers a confirmed receipt by date (aging at a past date).
pub fn record_receipt(
    conn: &mut PgConnection,
    receipt_id: Uuid,
    order_id: Uuid,
    currency: &str,
    amount: Decimal,
    received_on: NaiveDate,
) -> Result<(), AppError> {
    diesel::insert_into(sales_receipts::table)
        .values((
            sales_receipts::receipt_id.eq(receipt_id),
            sales_receipts::order_id.eq(order_id),
            sales_receipts::currency.eq(currency),
            sales_receipts::amount.eq(amount),
            sales_receipts::received_on.eq(received_on),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

pub fn record_outbound_request(conn: &mut PgConnection, request_id: Uuid, order_id: Uuid) -> Result<(), AppError> {
    diesel::insert_into(outbound_requests::table)
        .values((
            outbound_requests::request_id.eq(request_id),
            outbound_requests::order_id.eq(order_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// The cost of a sales issue, for the gross margin of its order.
pub fn record_issue(
    conn: &mut PgConnection,
    note_id: Uuid,
    note_number: &str,
    request_id: Uuid,
    currency: Currency,
    cost: Decimal,
    issued_on: NaiveDate,
) -> Result<(), AppError> {
    diesel::insert_into(sales_issues::table)
        .values((
            sales_issues::note_id.eq(note_id),
            sales_issues::note_number.eq(note_number),
            sales_issues::request_id.eq(request_id),
            sales_issues::currency.eq(currency.code()),
            sales_issues::cost.eq(cost),
            sales_issues::issued_on.eq(issued_on),
        ))
        .on_conflict(sales_issues::note_id)
        .do_update()
        .set(sales_issues::cost.eq(sales_issues::cost + cost))
        .execute(conn)?;
    Ok(())
}

pub fn find_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Option<SalesOrderView>, AppError> {
    let Some(order) = sales_orders::table
        .find(order_id)
        .select(SalesOrderRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let lines = sales_order_lines::table
        .filter(sales_order_lines::order_id.eq(order_id))
        .order(sales_order_lines::line_id)
        .select(SalesOrderLineRow::as_select())
        .load(conn)?;
    Ok(Some(SalesOrderView { order, lines }))
}

/// The order and its lines, locked: two invoices of one order never take the same delivered
/// quantity.
pub fn lock_order(conn: &mut PgConnection, order_id: Uuid) -> Result<SalesOrderView, AppError> {
    let order = sales_orders::table
        .find(order_id)
        .select(SalesOrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("sales order"))?;
    let lines = sales_order_lines::table
        .filter(sales_order_lines::order_id.eq(order_id))
        .order(sales_order_lines::line_id)
        .select(SalesOrderLineRow::as_select())
        .for_update()
        .load(conn)?;
    Ok(SalesOrderView { order, lines })
}
