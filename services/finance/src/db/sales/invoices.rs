//! Sales invoices: issued for delivered quantities, numbered without gaps per year, never
//! changed. Rows and queries; issuing is `app::invoices::issue`.

use super::super::schema::{sales_invoice_lines, sales_invoices, sales_orders};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_contracts::finance::InvoicedLine;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_invoices)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub memo: Option<String>,
    pub journal_entry_id: Uuid,
    pub issued_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_invoice_lines)]
pub struct InvoiceLineRow {
    pub invoice_id: Uuid,
    pub line_no: i32,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
}

/// An issued invoice with its lines and its order's number and customer. Never changes.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    pub invoice: InvoiceRow,
    pub order_number: String,
    pub customer_name: Option<String>,
    pub lines: Vec<InvoiceLineRow>,
}

/// An invoice's header as written.
#[derive(Debug, Insertable)]
#[diesel(table_name = sales_invoices)]
pub struct NewInvoice<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub order_id: Uuid,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub currency: &'a str,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub memo: Option<&'a str>,
    pub journal_entry_id: Uuid,
    pub issued_by: &'a str,
}

/// Writes an invoice and its lines (one statement per 1,000 lines).
pub fn insert_invoice(conn: &mut PgConnection, invoice: &NewInvoice, lines: &[InvoiceLineRow]) -> Result<(), AppError> {
    diesel::insert_into(sales_invoices::table)
        .values(invoice)
        .execute(conn)?;
    let rows: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                sales_invoice_lines::invoice_id.eq(l.invoice_id),
                sales_invoice_lines::line_no.eq(l.line_no),
                sales_invoice_lines::order_line_id.eq(l.order_line_id),
                sales_invoice_lines::item_id.eq(l.item_id),
                sales_invoice_lines::quantity.eq(l.quantity),
                sales_invoice_lines::unit_price.eq(l.unit_price),
                sales_invoice_lines::net.eq(l.net),
                sales_invoice_lines::tax.eq(l.tax),
            )
        })
        .collect();
    for chunk in rows.chunks(1000) {
        diesel::insert_into(sales_invoice_lines::table)
            .values(chunk)
            .execute(conn)?;
    }
    Ok(())
}

/// Adds an invoice's lines to what their order lines have invoiced, in one statement. (The
/// invoice names each order line once: `issue` refuses a line named twice.)
pub fn add_invoiced(conn: &mut PgConnection, lines: &[InvoicedLine]) -> Result<(), AppError> {
    use diesel::sql_types::{Array, Numeric, Uuid as SqlUuid};
    diesel::sql_query(
        "UPDATE sales_order_lines l SET invoiced = l.invoiced + v.quantity, \
           invoiced_net = l.invoiced_net + v.net, invoiced_tax = l.invoiced_tax + v.tax \
         FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[]) AS v(line_id, quantity, net, tax) \
         WHERE l.line_id = v.line_id",
    )
    .bind::<Array<SqlUuid>, _>(lines.iter().map(|l| l.order_line_id).collect::<Vec<_>>())
    .bind::<Array<Numeric>, _>(lines.iter().map(|l| l.quantity).collect::<Vec<_>>())
    .bind::<Array<Numeric>, _>(lines.iter().map(|l| l.net).collect::<Vec<_>>())
    .bind::<Array<Numeric>, _>(lines.iter().map(|l| l.tax).collect::<Vec<_>>())
    .execute(conn)?;
    Ok(())
}

/// Invoices with their lines and order, in the order of `rows`.
fn views(conn: &mut PgConnection, rows: Vec<InvoiceRow>) -> Result<Vec<InvoiceView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let order_ids: Vec<Uuid> = rows.iter().map(|r| r.order_id).collect();
    let mut lines: HashMap<Uuid, Vec<InvoiceLineRow>> = HashMap::new();
    for l in sales_invoice_lines::table
        .filter(sales_invoice_lines::invoice_id.eq_any(&ids))
        .order((sales_invoice_lines::invoice_id, sales_invoice_lines::line_no))
        .select(InvoiceLineRow::as_select())
        .load(conn)?
    {
        lines.entry(l.invoice_id).or_default().push(l);
    }
    let orders: HashMap<Uuid, (String, Option<String>)> = sales_orders::table
        .filter(sales_orders::order_id.eq_any(&order_ids))
        .select((
            sales_orders::order_id,
            sales_orders::order_number,
            sales_orders::customer_name,
        ))
        .load::<(Uuid, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, number, name)| (id, (number, name)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|invoice| {
            let (order_number, customer_name) = orders.get(&invoice.order_id).cloned().unwrap_or_default();
            InvoiceView {
                lines: lines.remove(&invoice.id).unwrap_or_default(),
                order_number,
                customer_name,
                invoice,
            }
        })
        .collect())
}

pub fn find_invoice(conn: &mut PgConnection, id: Uuid) -> Result<Option<InvoiceView>, AppError> {
    let rows = sales_invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .load(conn)?;
    Ok(views(conn, rows)?.pop())
}

/// Filters of the invoice list.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Newest first by number; `after` is the last number of the previous page.
pub fn list_invoices(
    conn: &mut PgConnection,
    f: &InvoiceFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<(Vec<InvoiceView>, Option<String>), AppError> {
    let mut q = sales_invoices::table.select(InvoiceRow::as_select()).into_boxed();
    if let Some(o) = f.order_id {
        q = q.filter(sales_invoices::order_id.eq(o));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(sales_invoices::customer_id.eq(c));
    }
    if let Some(d) = f.from {
        q = q.filter(sales_invoices::issue_date.ge(d));
    }
    if let Some(d) = f.to {
        q = q.filter(sales_invoices::issue_date.le(d));
    }
    if let Some(a) = after {
        q = q.filter(sales_invoices::number.lt(a.to_owned()));
    }
    let mut rows = q.order(sales_invoices::number.desc()).limit(limit + 1).load(conn)?;
    let next = erp_db::split_page(&mut rows, limit, |r| r.number.clone());
    Ok((views(conn, rows)?, next))
}
