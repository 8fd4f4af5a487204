//! Supplier invoices and their lines: rows and queries.

use super::schema::{supplier_invoice_lines, supplier_invoices};
use crate::domain::settlement::InvoiceStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

diesel::define_sql_function! {
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_invoices)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub status: InvoiceStatus,
    pub mismatches: serde_json::Value,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_invoice_lines)]
pub struct InvoiceLineRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub line_no: i32,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub order_price: Decimal,
    pub open_quantity: Decimal,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supplier_invoices)]
pub struct NewInvoice {
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub status: InvoiceStatus,
    pub mismatches: serde_json::Value,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supplier_invoice_lines)]
pub struct NewInvoiceLine {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub line_no: i32,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub order_price: Decimal,
    pub open_quantity: Decimal,
}

/// A list's filters.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub status: Option<InvoiceStatus>,
    pub order_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
}

fn not_found() -> AppError {
    AppError::not_found("supplier invoice")
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<InvoiceRow, AppError> {
    supplier_invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Locks the invoice (`FOR UPDATE`); unknown is a 404.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<InvoiceRow, AppError> {
    supplier_invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// The order an invoice is for, if the invoice exists.
pub fn order_of(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(supplier_invoices::table
        .find(id)
        .select(supplier_invoices::order_id)
        .first(conn)
        .optional()?)
}

pub fn of_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<InvoiceRow>, AppError> {
    Ok(supplier_invoices::table
        .filter(supplier_invoices::order_id.eq(order_id))
        .order(supplier_invoices::id)
        .select(InvoiceRow::as_select())
        .load(conn)?)
}

pub fn list(conn: &mut PgConnection, f: &InvoiceFilter, paging: &Paging) -> Result<Vec<InvoiceRow>, AppError> {
    let mut sql = supplier_invoices::table
        .select(InvoiceRow::as_select())
        .order(supplier_invoices::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(s) = f.status {
        sql = sql.filter(supplier_invoices::status.eq(s));
    }
    if let Some(o) = f.order_id {
        sql = sql.filter(supplier_invoices::order_id.eq(o));
    }
    if let Some(s) = f.supplier_id {
        sql = sql.filter(supplier_invoices::supplier_id.eq(s));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(supplier_invoices::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

/// The lines of the invoices `ids`, by invoice and line number.
pub fn lines_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<InvoiceLineRow>, AppError> {
    Ok(supplier_invoice_lines::table
        .filter(supplier_invoice_lines::invoice_id.eq_any(ids))
        .order((supplier_invoice_lines::invoice_id, supplier_invoice_lines::line_no))
        .select(InvoiceLineRow::as_select())
        .load(conn)?)
}

/// The order number of the supplier's invoice `number` (any case) not rejected, if recorded.
pub fn recorded_on(conn: &mut PgConnection, supplier_id: Uuid, number: &str) -> Result<Option<String>, AppError> {
    Ok(supplier_invoices::table
        .filter(supplier_invoices::supplier_id.eq(supplier_id))
        .filter(lower(supplier_invoices::invoice_number).eq(number.to_lowercase()))
        .filter(supplier_invoices::status.ne(InvoiceStatus::Rejected))
        .select(supplier_invoices::order_number)
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut PgConnection, invoice: &NewInvoice, lines: &[NewInvoiceLine]) -> Result<(), AppError> {
    diesel::insert_into(supplier_invoices::table)
        .values(invoice)
        .execute(conn)?;
    diesel::insert_into(supplier_invoice_lines::table)
        .values(lines)
        .execute(conn)?;
    Ok(())
}

/// Records the decision on a blocked invoice.
pub fn set_decided(
    conn: &mut PgConnection,
    id: Uuid,
    status: InvoiceStatus,
    decided_by: &str,
    comment: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(supplier_invoices::table.find(id))
        .set((
            supplier_invoices::status.eq(status),
            supplier_invoices::decided_by.eq(decided_by),
            supplier_invoices::decided_at.eq(Utc::now()),
            supplier_invoices::decision_comment.eq(comment),
        ))
        .execute(conn)?;
    Ok(())
}

/// The sum of the totals of an order's invoices in `statuses`.
pub fn total(conn: &mut PgConnection, order_id: Uuid, statuses: &[InvoiceStatus]) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = supplier_invoices::table
        .filter(supplier_invoices::order_id.eq(order_id))
        .filter(supplier_invoices::status.eq_any(statuses))
        .select(diesel::dsl::sum(supplier_invoices::total))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// How many of an order's invoices are in `status`.
pub fn count(conn: &mut PgConnection, order_id: Uuid, status: InvoiceStatus) -> Result<i64, AppError> {
    Ok(supplier_invoices::table
        .filter(supplier_invoices::order_id.eq(order_id))
        .filter(supplier_invoices::status.eq(status))
        .count()
        .get_result(conn)?)
}
