//! Sales orders as finance knows them from crm's events (lines, delivered, invoiced), and sales
//! invoices: issued for delivered quantities, numbered without gaps per year, booked
//! Dr 131 (customer) / Cr 511 net / Cr 33311 VAT, and announced as `finance.invoice.issued`.

use super::ledger::{self, NewEntry, NewLine, PartyKind, PostMeta, Source};
use super::schema::{
    deliveries, outbound_requests, sales_invoice_lines, sales_invoices, sales_issues, sales_order_lines, sales_orders,
    sales_receipts,
};
use crate::domain::chart;
use crate::domain::invoice::{self, LineState};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use erp_bus::EventMeta;
use erp_contracts::crm::{OrderApproved, ShipmentDelivered};
use erp_contracts::finance::{InvoiceIssued, InvoicedLine};
use erp_money::Currency;
use erp_problem::{AppError, FieldError};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = sales_orders)]
pub struct SalesOrder {
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

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = sales_order_lines)]
pub struct SalesOrderLine {
    pub line_id: Uuid,
    #[serde(skip)]
    pub order_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    /// Signed for by the customer.
    #[schema(value_type = String)]
    pub delivered: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
    #[schema(value_type = String)]
    pub invoiced_net: Decimal,
    #[schema(value_type = String)]
    pub invoiced_tax: Decimal,
}

impl SalesOrderLine {
    fn state(&self) -> LineState {
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
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SalesOrderView {
    #[serde(flatten)]
    pub order: SalesOrder,
    pub lines: Vec<SalesOrderLine>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_invoices)]
struct InvoiceRow {
    id: Uuid,
    number: String,
    order_id: Uuid,
    customer_id: Uuid,
    owner_id: Uuid,
    currency: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    net: Decimal,
    tax: Decimal,
    total: Decimal,
    memo: Option<String>,
    journal_entry_id: Uuid,
    issued_by: String,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = sales_invoice_lines)]
pub struct SalesInvoiceLine {
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
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
}

/// An issued sales invoice. Never changes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SalesInvoice {
    pub id: Uuid,
    /// `INV-<year>-<nnnnnn>`, without gaps within a year.
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    /// The order's salesperson.
    pub owner_id: Uuid,
    pub currency: String,
    pub issue_date: NaiveDate,
    /// Issue date plus the order's payment days.
    pub due_date: NaiveDate,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub memo: Option<String>,
    /// The posting Dr 131 / Cr 511 / Cr 33311.
    pub journal_entry_id: Uuid,
    pub issued_by: String,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<SalesInvoiceLine>,
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
        .select(SalesOrder::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let lines = sales_order_lines::table
        .filter(sales_order_lines::order_id.eq(order_id))
        .order(sales_order_lines::line_id)
        .select(SalesOrderLine::as_select())
        .load(conn)?;
    Ok(Some(SalesOrderView { order, lines }))
}

/// What to invoice: `(order line, quantity)`; `None` is everything delivered and not invoiced.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub order_id: Uuid,
    pub issue_date: NaiveDate,
    pub lines: Option<Vec<(Uuid, Decimal)>>,
    pub memo: Option<String>,
}

/// Issues a sales invoice in the caller's transaction: the order is locked, so two invoices of
/// one order never take the same delivered quantity; the number, the posting, the invoice and
/// the event commit together or not at all (no gap in the numbers).
pub fn issue(
    conn: &mut PgConnection,
    req: &IssueRequest,
    actor: &str,
    meta: &EventMeta,
) -> Result<SalesInvoice, AppError> {
    let order: SalesOrder = sales_orders::table
        .find(req.order_id)
        .select(SalesOrder::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("sales order"))?;
    let currency = Currency::parse(&order.currency).map_err(AppError::internal)?;
    let lines: Vec<SalesOrderLine> = sales_order_lines::table
        .filter(sales_order_lines::order_id.eq(order.order_id))
        .order(sales_order_lines::line_id)
        .select(SalesOrderLine::as_select())
        .for_update()
        .load(conn)?;
    let wanted: Vec<(usize, Decimal, String)> = match &req.lines {
        None => {
            let all: Vec<(usize, Decimal, String)> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| (i, l.state().invoiceable(), format!("lines[{i}]")))
                .filter(|(_, open, _)| *open > Decimal::ZERO)
                .collect();
            if all.is_empty() {
                return Err(AppError::Validation(vec![FieldError::new(
                    "order_id",
                    format!(
                        "nothing of order {} is delivered and not yet invoiced",
                        order.order_number
                    ),
                )]));
            }
            all
        }
        Some(requested) => {
            let mut errors = Vec::new();
            let mut seen = HashSet::new();
            let mut found = Vec::new();
            if requested.is_empty() {
                errors.push(FieldError::new("lines", "must name at least one order line"));
            }
            for (i, (line_id, qty)) in requested.iter().enumerate() {
                if !seen.insert(*line_id) {
                    errors.push(FieldError::new(format!("lines[{i}].order_line_id"), "is named twice"));
                    continue;
                }
                match lines.iter().position(|l| l.line_id == *line_id) {
                    Some(pos) => found.push((pos, *qty, format!("lines[{i}]"))),
                    None => errors.push(FieldError::new(
                        format!("lines[{i}].order_line_id"),
                        format!("is not a line of order {}", order.order_number),
                    )),
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            found
        }
    };
    let mut errors = Vec::new();
    let mut amounts = Vec::with_capacity(wanted.len());
    for (pos, qty, field) in &wanted {
        match invoice::amounts(&lines[*pos].state(), *qty, currency) {
            Ok((net, tax)) => amounts.push((*pos, *qty, net, tax)),
            Err(why) => errors.push(FieldError::new(format!("{field}.quantity"), why.to_string())),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let net: Decimal = amounts.iter().map(|a| a.2).sum();
    let tax: Decimal = amounts.iter().map(|a| a.3).sum();
    let total = net + tax;
    if total <= Decimal::ZERO {
        return Err(AppError::Validation(vec![FieldError::new(
            "lines",
            "the invoice would be for nothing (the lines are free of charge)",
        )]));
    }
    let id = Uuid::now_v7();
    let number = erp_db::next_number(conn, "INV", req.issue_date.year())?;
    let due_date = req.issue_date + chrono::Duration::days(i64::from(order.payment_days.max(0)));
    let mut entry_lines =
        vec![NewLine::debit(chart::RECEIVABLES, total, currency).party(PartyKind::Customer, order.customer_id)];
    if net > Decimal::ZERO {
        entry_lines.push(NewLine::credit(chart::REVENUE, net, currency));
    }
    if tax > Decimal::ZERO {
        entry_lines.push(NewLine::credit(chart::OUTPUT_VAT, tax, currency));
    }
    let entry = ledger::post(
        conn,
        NewEntry {
            date: req.issue_date,
            memo: format!("Sales invoice {number} on {}", order.order_number),
            source: Source {
                kind: "finance.sales_invoice".into(),
                id: Some(id),
                number: Some(number.clone()),
            },
            lines: entry_lines,
        },
        &PostMeta::by(actor),
    )?;
    diesel::insert_into(sales_invoices::table)
        .values((
            sales_invoices::id.eq(id),
            sales_invoices::number.eq(&number),
            sales_invoices::order_id.eq(order.order_id),
            sales_invoices::customer_id.eq(order.customer_id),
            sales_invoices::owner_id.eq(order.owner_id),
            sales_invoices::currency.eq(currency.code()),
            sales_invoices::issue_date.eq(req.issue_date),
            sales_invoices::due_date.eq(due_date),
            sales_invoices::net.eq(net),
            sales_invoices::tax.eq(tax),
            sales_invoices::total.eq(total),
            sales_invoices::memo.eq(&req.memo),
            sales_invoices::journal_entry_id.eq(entry.id),
            sales_invoices::issued_by.eq(actor),
        ))
        .execute(conn)?;
    let mut rows = Vec::with_capacity(amounts.len());
    let mut event_lines = Vec::with_capacity(amounts.len());
    for (no, (pos, qty, line_net, line_tax)) in amounts.iter().enumerate() {
        let l = &lines[*pos];
        rows.push((
            sales_invoice_lines::invoice_id.eq(id),
            sales_invoice_lines::line_no.eq(i32::try_from(no + 1).map_err(AppError::internal)?),
            sales_invoice_lines::order_line_id.eq(l.line_id),
            sales_invoice_lines::item_id.eq(l.item_id),
            sales_invoice_lines::quantity.eq(*qty),
            sales_invoice_lines::unit_price.eq(l.unit_price),
            sales_invoice_lines::net.eq(*line_net),
            sales_invoice_lines::tax.eq(*line_tax),
        ));
        event_lines.push(InvoicedLine {
            order_line_id: l.line_id,
            item_id: l.item_id,
            quantity: *qty,
            unit_price: l.unit_price,
            net: *line_net,
            tax: *line_tax,
        });
    }
    for chunk in rows.chunks(1000) {
        diesel::insert_into(sales_invoice_lines::table)
            .values(chunk)
            .execute(conn)?;
    }
    add_invoiced(conn, &event_lines)?;
    erp_bus::enqueue(
        conn,
        meta,
        &InvoiceIssued {
            invoice_id: id,
            number: number.clone(),
            order_id: order.order_id,
            order_number: order.order_number.clone(),
            customer_id: order.customer_id,
            currency: currency.code().to_owned(),
            issue_date: req.issue_date,
            due_date,
            net,
            tax,
            total,
            lines: event_lines,
        },
    )?;
    find_invoice(conn, id)?.ok_or_else(|| AppError::internal("issued invoice vanished"))
}

/// Adds an invoice's lines to what their order lines have invoiced, in one statement. (The
/// invoice names each order line once: `issue` refuses a line named twice.)
fn add_invoiced(conn: &mut PgConnection, lines: &[InvoicedLine]) -> Result<(), AppError> {
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
fn views(conn: &mut PgConnection, rows: Vec<InvoiceRow>) -> Result<Vec<SalesInvoice>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let order_ids: Vec<Uuid> = rows.iter().map(|r| r.order_id).collect();
    let mut lines: HashMap<Uuid, Vec<SalesInvoiceLine>> = HashMap::new();
    for l in sales_invoice_lines::table
        .filter(sales_invoice_lines::invoice_id.eq_any(&ids))
        .order((sales_invoice_lines::invoice_id, sales_invoice_lines::line_no))
        .select(SalesInvoiceLine::as_select())
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
        .map(|r| {
            let (order_number, customer_name) = orders.get(&r.order_id).cloned().unwrap_or_default();
            SalesInvoice {
                lines: lines.remove(&r.id).unwrap_or_default(),
                order_number,
                customer_name,
                id: r.id,
                number: r.number,
                order_id: r.order_id,
                customer_id: r.customer_id,
                owner_id: r.owner_id,
                currency: r.currency,
                issue_date: r.issue_date,
                due_date: r.due_date,
                net: r.net,
                tax: r.tax,
                total: r.total,
                memo: r.memo,
                journal_entry_id: r.journal_entry_id,
                issued_by: r.issued_by,
                created_at: r.created_at,
            }
        })
        .collect())
}

pub fn find_invoice(conn: &mut PgConnection, id: Uuid) -> Result<Option<SalesInvoice>, AppError> {
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
) -> Result<(Vec<SalesInvoice>, Option<String>), AppError> {
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
