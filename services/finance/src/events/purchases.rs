//! Procure to pay: an approved purchase order is remembered (supplier, terms); a matched supplier invoice is booked Dr 3388 (net, clearing goods received
//! not invoiced) + Dr 1331 (input VAT) / Cr 331 with the supplier as party; an approved payment
//! request waits for a finance manager to pay it (see `api::payments`).

use crate::db::ledger::{NewEntry, NewLine, PartyKind, Source};
use crate::db::{payments, purchases};
use crate::domain::chart;
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::purchasing::{InvoiceReceived, OrderApproved, PaymentRequested};
use erp_money::Currency;
use rust_decimal::Decimal;

fn currency(code: &str) -> Result<Currency, HandlerError> {
    Currency::parse(code).map_err(|e| HandlerError::Poison(e.to_string()))
}

/// Remembers the purchase order's supplier and terms (payables aging names the supplier).
pub fn order_approved(conn: &mut PgConnection, _env: &Envelope, e: OrderApproved) -> Result<(), HandlerError> {
    purchases::upsert_order(conn, &e)?;
    Ok(())
}

pub fn invoice_received(conn: &mut PgConnection, env: &Envelope, e: InvoiceReceived) -> Result<(), HandlerError> {
    let cur = currency(&e.currency)?;
    let net = erp_money::round(e.net, cur);
    let tax = erp_money::round(e.tax, cur);
    if net < Decimal::ZERO || tax < Decimal::ZERO || net + tax <= Decimal::ZERO {
        return Err(HandlerError::Poison(format!(
            "supplier invoice {} with net {net} and tax {tax}",
            e.invoice_number
        )));
    }
    if net + tax != erp_money::round(e.total, cur) {
        tracing::warn!(event = %env.id, invoice = %e.invoice_number, total = %e.total, "invoice total is not net + tax; booked net + tax");
    }
    let mut lines = Vec::new();
    if net > Decimal::ZERO {
        lines.push(NewLine::debit(chart::GRNI, net, cur));
    }
    if tax > Decimal::ZERO {
        lines.push(NewLine::debit(chart::INPUT_VAT, tax, cur));
    }
    lines.push(NewLine::credit(chart::PAYABLES, net + tax, cur).party(PartyKind::Supplier, e.supplier_id));
    let entry = NewEntry {
        date: e.invoice_date,
        memo: format!("Supplier invoice {} on {}", e.invoice_number, e.order_number),
        source: Source {
            kind: "purchasing.supplier_invoice".into(),
            id: Some(e.invoice_id),
            number: Some(e.invoice_number.clone()),
        },
        lines,
    };
    if super::post_from(conn, env, entry)? {
        purchases::insert_invoice(conn, &e, cur, net, tax)?;
    }
    Ok(())
}

pub fn payment_requested(conn: &mut PgConnection, env: &Envelope, e: PaymentRequested) -> Result<(), HandlerError> {
    let cur = currency(&e.currency)?;
    if e.amount <= Decimal::ZERO {
        return Err(HandlerError::Poison(format!(
            "payment request {} of {}",
            e.number, e.amount
        )));
    }
    let inserted = payments::insert_requested(conn, &e, cur)?;
    let meta = erp_bus::EventMeta::caused_by(crate::NAME, env);
    erp_bus::flow::begin(
        conn,
        &meta,
        (crate::app::payments::PAYMENT_REQUEST, e.payment_request_id),
    )?;
    if !inserted {
        tracing::info!(event = %env.id, payment_request = %e.number, "payment request already known; ignored");
    }
    Ok(())
}
