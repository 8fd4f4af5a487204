//! Sales invoices: issued by finance for what customers signed for and was not invoiced yet,
//! numbered without gaps per year, booked Dr 131 (customer) / Cr 511 net / Cr 33311 VAT, and
//! announced as `finance.invoice.issued`; the sales orders as finance knows them.

use crate::db::ledger::{self, NewEntry, NewLine, PartyKind, PostMeta, Source};
use crate::db::sales::{self, InvoiceFilter, InvoiceLineRow, InvoiceView, NewInvoice, SalesOrderView};
use crate::domain::chart;
use crate::domain::invoice;
use chrono::{Datelike, NaiveDate};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::finance::{InvoiceIssued, InvoicedLine};
use erp_money::Currency;
use erp_problem::{AppError, FieldError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashSet;
use utoipa::ToSchema;
use uuid::Uuid;

/// crm's sales order in its business flow (`erp_bus::flow`): recorded with the
/// `crm.order.approved` that told finance of it, continued by its invoices.
pub const SALES_ORDER: &str = "sales_order";

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceLineInput {
    pub order_line_id: Uuid,
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueInvoiceInput {
    pub order_id: Uuid,
    /// Today when absent; never in the future.
    pub issue_date: Option<NaiveDate>,
    /// What to invoice; when absent, everything delivered and not invoiced yet.
    pub lines: Option<Vec<InvoiceLineInput>>,
    pub memo: Option<String>,
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<InvoiceView, AppError> {
    sales::find_invoice(c, id)?.ok_or_else(|| AppError::not_found("sales invoice"))
}

/// Newest first by number; `after` is the last number of the previous page.
pub fn list(
    c: &mut PgConnection,
    filter: &InvoiceFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<(Vec<InvoiceView>, Option<String>), AppError> {
    if let (Some(f), Some(t)) = (filter.from, filter.to)
        && f > t
    {
        return Err(AppError::validation("to", "must not be before from"));
    }
    sales::list_invoices(c, filter, after, limit)
}

pub fn order(c: &mut PgConnection, order_id: Uuid) -> Result<SalesOrderView, AppError> {
    sales::find_order(c, order_id)?.ok_or_else(|| AppError::not_found("sales order"))
}

/// `(line index, quantity, field)` of what to invoice: the lines asked for, or everything
/// delivered and not invoiced.
fn wanted(
    order: &SalesOrderView,
    asked: Option<&[InvoiceLineInput]>,
) -> Result<Vec<(usize, Decimal, String)>, AppError> {
    let lines = &order.lines;
    let Some(asked) = asked else {
        let all: Vec<(usize, Decimal, String)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.state().invoiceable(), format!("lines[{i}]")))
            .filter(|(_, open, _)| *open > Decimal::ZERO)
            .collect();
        if all.is_empty() {
            return Err(AppError::validation(
                "order_id",
                format!(
                    "nothing of order {} is delivered and not yet invoiced",
                    order.order.order_number
                ),
            ));
        }
        return Ok(all);
    };
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    if asked.is_empty() {
        errors.push(FieldError::new("lines", "must name at least one order line"));
    }
    for (i, l) in asked.iter().enumerate() {
        if !seen.insert(l.order_line_id) {
            errors.push(FieldError::new(format!("lines[{i}].order_line_id"), "is named twice"));
            continue;
        }
        match lines.iter().position(|o| o.line_id == l.order_line_id) {
            Some(pos) => found.push((pos, l.quantity, format!("lines[{i}]"))),
            None => errors.push(FieldError::new(
                format!("lines[{i}].order_line_id"),
                format!("is not a line of order {}", order.order.order_number),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(found)
}

/// Issues a sales invoice for delivered quantities of a sales order (no more than delivered
/// minus invoiced per line). The order is locked, so two invoices never take the same delivered
/// quantity; the number, the posting, the invoice and the event commit together or not at all
/// (no gap in the numbers).
pub fn issue(
    c: &mut PgConnection,
    actor: &CurrentUser,
    input: &IssueInvoiceInput,
    meta: &EventMeta,
) -> Result<InvoiceView, AppError> {
    let today = erp_calendar::today();
    let issue_date = input.issue_date.unwrap_or(today);
    let memo = clean(input.memo.as_deref());
    let mut v = Validator::new();
    v.check(issue_date <= today, "issue_date", "must not be in the future");
    v.optional_text("memo", memo.as_deref(), 500);
    v.finish()?;
    let order = sales::lock_order(c, input.order_id)?;
    let meta = &erp_bus::flow::resume(c, meta, (SALES_ORDER, input.order_id))?;
    let currency = Currency::parse(&order.order.currency).map_err(AppError::internal)?;
    let wanted = wanted(&order, input.lines.as_deref())?;
    let mut errors = Vec::new();
    let mut amounts = Vec::with_capacity(wanted.len());
    for (pos, qty, field) in &wanted {
        match invoice::amounts(&order.lines[*pos].state(), *qty, currency) {
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
        return Err(AppError::validation(
            "lines",
            "the invoice would be for nothing (the lines are free of charge)",
        ));
    }
    let o = &order.order;
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, "INV", issue_date.year())?;
    let due_date = issue_date + chrono::Duration::days(i64::from(o.payment_days.max(0)));
    let by = actor.actor();
    let mut entry_lines =
        vec![NewLine::debit(chart::RECEIVABLES, total, currency).party(PartyKind::Customer, o.customer_id)];
    if net > Decimal::ZERO {
        entry_lines.push(NewLine::credit(chart::REVENUE, net, currency));
    }
    if tax > Decimal::ZERO {
        entry_lines.push(NewLine::credit(chart::OUTPUT_VAT, tax, currency));
    }
    let entry = ledger::post(
        c,
        NewEntry {
            date: issue_date,
            memo: format!("Sales invoice {number} on {}", o.order_number),
            source: Source {
                kind: "finance.sales_invoice".into(),
                id: Some(id),
                number: Some(number.clone()),
            },
            lines: entry_lines,
        },
        &PostMeta::by(by.clone()),
    )?;
    let mut rows = Vec::with_capacity(amounts.len());
    let mut event_lines = Vec::with_capacity(amounts.len());
    for (no, (pos, qty, line_net, line_tax)) in amounts.iter().enumerate() {
        let l = &order.lines[*pos];
        rows.push(InvoiceLineRow {
            invoice_id: id,
            line_no: i32::try_from(no + 1).map_err(AppError::internal)?,
            order_line_id: l.line_id,
            item_id: l.item_id,
            quantity: *qty,
            unit_price: l.unit_price,
            net: *line_net,
            tax: *line_tax,
        });
        event_lines.push(InvoicedLine {
            order_line_id: l.line_id,
            item_id: l.item_id,
            quantity: *qty,
            unit_price: l.unit_price,
            net: *line_net,
            tax: *line_tax,
        });
    }
    sales::insert_invoice(
        c,
        &NewInvoice {
            id,
            number: &number,
            order_id: o.order_id,
            customer_id: o.customer_id,
            owner_id: o.owner_id,
            currency: currency.code(),
            issue_date,
            due_date,
            net,
            tax,
            total,
            memo: memo.as_deref(),
            journal_entry_id: entry.id(),
            issued_by: &by,
        },
        &rows,
    )?;
    sales::add_invoiced(c, &event_lines)?;
    erp_bus::enqueue(
        c,
        meta,
        &InvoiceIssued {
            invoice_id: id,
            number: number.clone(),
            order_id: o.order_id,
            order_number: o.order_number.clone(),
            customer_id: o.customer_id,
            currency: currency.code().to_owned(),
            issue_date,
            due_date,
            net,
            tax,
            total,
            lines: event_lines,
        },
    )?;
    get(c, id)
}
