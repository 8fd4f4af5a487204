//! What fulfilment writes on the sales order's lines (requested, issued, shipped, invoiced),
//! the invoices finance issued for an order, and the order lock of event consumers.

use super::fulfilment::order_invoices;
use super::schema::{sales_order_lines, sales_orders};
use crate::domain::documents::OrderStatus;
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = order_invoices)]
pub struct NewOrderInvoice<'a> {
    pub invoice_id: Uuid,
    pub number: &'a str,
    pub order_id: Uuid,
    pub currency: &'a str,
    pub total: Decimal,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
}

/// Locks the order by id, whoever asks (event consumers); false when it is unknown.
pub fn lock_order(conn: &mut PgConnection, id: Uuid) -> Result<bool, AppError> {
    Ok(sales_orders::table
        .find(id)
        .select(sales_orders::id)
        .for_update()
        .first::<Uuid>(conn)
        .optional()?
        .is_some())
}

/// Moves the (locked) order to `status`, checked against its table by the caller.
pub fn set_order_status(conn: &mut PgConnection, id: Uuid, status: OrderStatus) -> Result<(), AppError> {
    diesel::update(sales_orders::table.find(id))
        .set((
            sales_orders::status.eq(status.as_str()),
            sales_orders::version.eq(sales_orders::version + 1),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Asked of the warehouse: `quantity` more.
pub fn add_requested(conn: &mut PgConnection, line_id: Uuid, quantity: Decimal) -> Result<(), AppError> {
    diesel::update(sales_order_lines::table.find(line_id))
        .set(sales_order_lines::requested.eq(sales_order_lines::requested + quantity))
        .execute(conn)?;
    Ok(())
}

/// Shipped: `quantity` more.
pub fn add_shipped(conn: &mut PgConnection, line_id: Uuid, quantity: Decimal) -> Result<(), AppError> {
    diesel::update(sales_order_lines::table.find(line_id))
        .set(sales_order_lines::shipped.eq(sales_order_lines::shipped + quantity))
        .execute(conn)?;
    Ok(())
}

/// The line's (requested, issued).
fn requested_and_issued(conn: &mut PgConnection, line_id: Uuid) -> Result<(Decimal, Decimal), AppError> {
    Ok(sales_order_lines::table
        .find(line_id)
        .select((sales_order_lines::requested, sales_order_lines::issued))
        .first(conn)?)
}

/// Left the warehouse: `quantity` more, never above what is requested.
pub fn add_issued(conn: &mut PgConnection, line_id: Uuid, quantity: Decimal) -> Result<(), AppError> {
    let (requested, issued) = requested_and_issued(conn, line_id)?;
    diesel::update(sales_order_lines::table.find(line_id))
        .set(sales_order_lines::issued.eq((issued + quantity).min(requested)))
        .execute(conn)?;
    Ok(())
}

/// The warehouse will not issue `quantity` of what was requested: it may be requested again
/// (never below what was issued).
pub fn release_requested(conn: &mut PgConnection, line_id: Uuid, quantity: Decimal) -> Result<(), AppError> {
    let (requested, issued) = requested_and_issued(conn, line_id)?;
    diesel::update(sales_order_lines::table.find(line_id))
        .set(sales_order_lines::requested.eq((requested - quantity).max(issued)))
        .execute(conn)?;
    Ok(())
}

/// Invoiced: `quantity` more on the order's line; false when the line is not the order's.
pub fn add_invoiced(
    conn: &mut PgConnection,
    order_id: Uuid,
    line_id: Uuid,
    quantity: Decimal,
) -> Result<bool, AppError> {
    let n = diesel::update(
        sales_order_lines::table
            .filter(sales_order_lines::id.eq(line_id))
            .filter(sales_order_lines::order_id.eq(order_id)),
    )
    .set(sales_order_lines::invoiced.eq(sales_order_lines::invoiced + quantity))
    .execute(conn)?;
    Ok(n > 0)
}

/// Keeps an invoice of the order; false when it was kept already.
pub fn record_invoice(conn: &mut PgConnection, invoice: &NewOrderInvoice<'_>) -> Result<bool, AppError> {
    let n = diesel::insert_into(order_invoices::table)
        .values(invoice)
        .on_conflict(order_invoices::invoice_id)
        .do_nothing()
        .execute(conn)?;
    Ok(n > 0)
}
