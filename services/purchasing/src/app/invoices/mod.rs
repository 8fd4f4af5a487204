//! Supplier invoices (DOMAIN.md §2: received and matched to order and receipt). A buyer enters
//! the supplier's invoice against a purchase order; each line is matched three ways — quantity
//! against what was received and not yet invoiced, unit price and tax rate against the order —
//! within the tolerances. A matched invoice raises the order lines' `invoiced` and publishes
//! `purchasing.invoice.received`; one with differences is `blocked`, with the reasons listed,
//! and goes to the purchasing manager through the authority matrix, who accepts it (then it
//! counts as matched) or rejects it.

mod approval;

use super::settlement::{close_if_settled, currency_of};
use crate::db::invoices::{self as db, InvoiceFilter, InvoiceLineRow, InvoiceRow, NewInvoice, NewInvoiceLine};
use crate::db::orders::{self as order_db, OrderLineRow, OrderRow};
use crate::db::tolerances;
use crate::domain::matching::{self, InvoiceLineCheck};
use crate::domain::settlement::InvoiceStatus;
use chrono::{Days, NaiveDate};
use diesel::PgConnection;
use erp_approval::{decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::purchasing::{InvoiceReceived, InvoiceReceivedLine};
use erp_db::{Page, Paging};
use erp_money::LineInput;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// The approval document type of a blocked supplier invoice's differences.
pub const DOCUMENT_TYPE: &str = "supplier_invoice";

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvoiceLineInput {
    pub order_line_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// VAT in percent, 0–100.
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvoiceInput {
    /// The supplier's invoice number; unique per supplier.
    pub invoice_number: String,
    /// Not in the future.
    pub invoice_date: NaiveDate,
    pub lines: Vec<InvoiceLineInput>,
}

/// An invoice with its lines.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    pub invoice: InvoiceRow,
    pub lines: Vec<InvoiceLineRow>,
}

fn views(c: &mut PgConnection, rows: Vec<InvoiceRow>) -> Result<Vec<InvoiceView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|i| i.id).collect();
    let mut lines: HashMap<Uuid, Vec<InvoiceLineRow>> = HashMap::new();
    for l in db::lines_of(c, &ids)? {
        lines.entry(l.invoice_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|i| InvoiceView {
            lines: lines.remove(&i.id).unwrap_or_default(),
            invoice: i,
        })
        .collect())
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<InvoiceView, AppError> {
    let i = db::find(c, id)?;
    views(c, vec![i])?
        .pop()
        .ok_or_else(|| AppError::internal("supplier invoice vanished"))
}

pub fn list(c: &mut PgConnection, filter: &InvoiceFilter, paging: &Paging) -> Result<Page<InvoiceRow>, AppError> {
    let rows = db::list(c, filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

/// The invoices of an order.
pub fn of_order(c: &mut PgConnection, order_id: Uuid) -> Result<Vec<InvoiceView>, AppError> {
    order_db::find(c, order_id)?;
    let rows = db::of_order(c, order_id)?;
    views(c, rows)
}

/// The invoice counts: its quantities are invoiced on the order lines, finance hears of it,
/// and the order closes if nothing else is missing. The order is locked by the caller.
pub(crate) fn count_invoice(
    c: &mut PgConnection,
    order: &OrderRow,
    invoice: &InvoiceRow,
    lines: &[InvoiceLineRow],
    meta: &EventMeta,
) -> Result<(), AppError> {
    for l in lines {
        order_db::add_invoiced(c, l.order_line_id, l.quantity)?;
    }
    erp_bus::enqueue(
        c,
        meta,
        &InvoiceReceived {
            invoice_id: invoice.id,
            invoice_number: invoice.invoice_number.clone(),
            invoice_date: invoice.invoice_date,
            due_date: invoice.due_date,
            order_id: order.id,
            order_number: order.number.clone(),
            supplier_id: invoice.supplier_id,
            currency: invoice.currency.clone(),
            net: invoice.net,
            tax: invoice.tax,
            total: invoice.total,
            lines: lines
                .iter()
                .map(|l| InvoiceReceivedLine {
                    order_line_id: l.order_line_id,
                    item_id: l.item_id,
                    quantity: l.quantity,
                    unit_price: l.unit_price,
                    net: l.net,
                    tax: l.tax,
                })
                .collect(),
        },
    )?;
    close_if_settled(c, order.id)?;
    Ok(())
}

/// Matches the input lines to the order's lines, each at most once; 422 naming `lines[i]…`.
fn match_lines<'a>(
    order_lines: &'a [OrderLineRow],
    lines: &[InvoiceLineInput],
) -> Result<Vec<&'a OrderLineRow>, AppError> {
    let by_id: HashMap<Uuid, &OrderLineRow> = order_lines.iter().map(|l| (l.id, l)).collect();
    let mut v = Validator::new();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        match by_id.get(&l.order_line_id) {
            None => {
                v.add(format!("lines[{i}].order_line_id"), "not a line of this order");
            }
            Some(_) if !seen.insert(l.order_line_id) => {
                v.add(format!("lines[{i}].order_line_id"), "appears twice");
            }
            Some(ol) => out.push(*ol),
        }
    }
    v.finish()?;
    Ok(out)
}

/// A buyer enters the supplier's invoice for an approved, sent or (partially) received order.
/// Totals are computed per line at the currency's scale. Matched within the tolerances, it
/// publishes `purchasing.invoice.received`; otherwise it is `blocked` with the reasons listed
/// and waits for the purchasing manager's decision.
pub fn record(
    c: &mut PgConnection,
    user: &CurrentUser,
    order_id: Uuid,
    input: &InvoiceInput,
    meta: &EventMeta,
) -> Result<InvoiceView, AppError> {
    let invoice_number = input.invoice_number.trim().to_owned();
    let money_lines: Vec<LineInput> = input
        .lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: l.tax_rate_pct,
        })
        .collect();
    let mut v = Validator::new();
    v.text("invoice_number", &invoice_number, 100);
    v.check(
        input.invoice_date <= erp_calendar::today(),
        "invoice_date",
        "must not be in the future",
    );
    v.check(!input.lines.is_empty(), "lines", "must have at least one line");
    for (field, message) in erp_money::validate_lines(&money_lines) {
        v.add(field, message);
    }
    v.finish()?;
    let o = order_db::lock(c, order_id)?;
    if !o.status.is_open_for_settlement() {
        return Err(AppError::wrong_state(format!(
            "supplier invoices are entered on approved, sent or received purchase orders; this one is {}",
            o.status
        )));
    }
    let order_lines = order_db::lock_lines(c, order_id)?;
    let matched = match_lines(&order_lines, &input.lines)?;
    if let Some(on_order) = db::recorded_on(c, o.supplier_id, &invoice_number)? {
        return Err(AppError::Conflict {
            slug: "duplicate",
            detail: format!("invoice {invoice_number} of this supplier is already recorded (on order {on_order})"),
        });
    }
    let currency = currency_of(&o)?;
    let (totals, doc) = erp_money::document_totals(&money_lines, currency).map_err(AppError::internal)?;
    let tolerances = tolerances::tolerances(c)?;
    let checks: Vec<InvoiceLineCheck> = input
        .lines
        .iter()
        .zip(&matched)
        .map(|(l, ol)| InvoiceLineCheck {
            line_no: ol.line_no,
            order_price: ol.unit_price,
            order_tax_rate: ol.tax_rate,
            received: ol.received,
            invoiced: ol.invoiced,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_rate: l.tax_rate_pct,
        })
        .collect();
    let mismatches = matching::three_way(&checks, &tolerances);
    let invoice = NewInvoice {
        id: Uuid::now_v7(),
        order_id,
        order_number: o.number.clone(),
        supplier_id: o.supplier_id,
        invoice_number,
        invoice_date: input.invoice_date,
        due_date: u64::try_from(o.payment_days)
            .ok()
            .and_then(|d| input.invoice_date.checked_add_days(Days::new(d))),
        currency: o.currency.clone(),
        net: doc.net,
        tax: doc.tax,
        total: doc.total,
        status: InvoiceStatus::recorded(mismatches.is_empty()),
        mismatches: serde_json::json!(mismatches),
        recorded_by: user.actor(),
    };
    let lines: Vec<NewInvoiceLine> = input
        .lines
        .iter()
        .zip(&matched)
        .zip(&totals)
        .zip(&checks)
        .enumerate()
        .map(|(n, (((l, ol), t), check))| NewInvoiceLine {
            id: Uuid::now_v7(),
            invoice_id: invoice.id,
            line_no: i32::try_from(n + 1).unwrap_or(i32::MAX),
            order_line_id: ol.id,
            item_id: ol.item_id,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_rate: l.tax_rate_pct,
            net: t.net,
            tax: t.tax,
            total: t.total,
            order_price: ol.unit_price,
            open_quantity: check.open_quantity(),
        })
        .collect();
    db::insert(c, &invoice, &lines)?;
    let meta = &erp_bus::flow::derive(
        c,
        meta,
        (DOCUMENT_TYPE, invoice.id),
        (crate::app::orders::DOCUMENT_TYPE, order_id),
    )?;
    let view = get(c, invoice.id)?;
    if view.invoice.status == InvoiceStatus::Matched {
        count_invoice(c, &o, &view.invoice, &view.lines, meta)?;
    } else {
        let blocked = db::lock(c, invoice.id)?;
        submit_document(c, &blocked, user, meta)?;
    }
    get(c, invoice.id)
}

/// The purchasing manager's decision on a blocked invoice, with the reason: accepted, its
/// differences count as matched (`purchasing.invoice.received`); rejected, its number may be
/// entered again (the supplier's corrected invoice).
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    accept: bool,
    comment: &str,
    meta: &EventMeta,
) -> Result<InvoiceView, AppError> {
    let comment = comment.trim();
    let mut v = Validator::new();
    v.text("comment", comment, 2000);
    v.finish()?;
    let order_id = db::order_of(c, id)?.ok_or_else(|| AppError::not_found("supplier invoice"))?;
    // The order and its lines first, as every command on them locks: one lock order.
    let order = order_db::lock(c, order_id)?;
    order_db::lock_lines(c, order_id)?;
    let invoice = db::lock(c, id)?;
    if accept && invoice.status == InvoiceStatus::Blocked && !order.status.is_open_for_settlement() {
        return Err(AppError::wrong_state(format!(
            "the purchase order is {}; its invoices can only be rejected",
            order.status
        )));
    }
    decide_document::<InvoiceRow>(c, id, approver, accept, Some(comment), meta)?;
    get(c, id)
}
