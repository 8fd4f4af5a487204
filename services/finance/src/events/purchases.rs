//! Procure to pay: an approved purchase order is remembered (supplier, terms); a matched supplier invoice is booked Dr 3388 (net, clearing goods received
//! not invoiced) + Dr 1331 (input VAT) / Cr 331 with the supplier as party; an approved payment
//! request waits for a finance manager to pay it (see `api::payments`).

use crate::db::ledger::{NewEntry, NewLine, PartyKind, Source};
use crate::db::schema::{payments, purchase_orders, supplier_invoices};
use crate::domain::chart;
use diesel::prelude::*;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::purchasing::{InvoiceReceived, OrderApproved, PaymentRequested};
use erp_money::Currency;
use rust_decimal::Decimal;
use uuid::Uuid;

fn currency(code: &str) -> Result<Currency, HandlerError> {
    Currency::parse(code).map_err(|e| HandlerError::Poison(e.to_string()))
}

/// Remembers the purchase order's supplier and terms (payables aging names the supplier).
pub fn order_approved(conn: &mut PgConnection, _env: &Envelope, e: OrderApproved) -> Result<(), HandlerError> {
    diesel::insert_into(purchase_orders::table)
        .values((
            purchase_orders::order_id.eq(e.order_id),
            purchase_orders::number.eq(&e.number),
            purchase_orders::supplier_id.eq(e.supplier_id),
            purchase_orders::supplier_name.eq(&e.supplier_name),
            purchase_orders::currency.eq(&e.currency),
            purchase_orders::total.eq(e.total),
            purchase_orders::payment_days.eq(e.payment_days.max(0)),
        ))
        .on_conflict(purchase_orders::order_id)
        .do_update()
        .set((
            purchase_orders::supplier_name.eq(&e.supplier_name),
            purchase_orders::total.eq(e.total),
            purchase_orders::payment_days.eq(e.payment_days.max(0)),
        ))
        .execute(conn)?;
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
        diesel::insert_into(supplier_invoices::table)
            .values((
                supplier_invoices::invoice_id.eq(e.invoice_id),
                supplier_invoices::invoice_number.eq(&e.invoice_number),
                supplier_invoices::order_id.eq(e.order_id),
                supplier_invoices::order_number.eq(&e.order_number),
                supplier_invoices::supplier_id.eq(e.supplier_id),
                supplier_invoices::currency.eq(cur.code()),
                supplier_invoices::invoice_date.eq(e.invoice_date),
                supplier_invoices::due_date.eq(e.due_date.unwrap_or(e.invoice_date)),
                supplier_invoices::net.eq(net),
                supplier_invoices::tax.eq(tax),
                supplier_invoices::total.eq(net + tax),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
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
    let inserted = diesel::insert_into(payments::table)
        .values((
            payments::id.eq(Uuid::now_v7()),
            payments::payment_request_id.eq(e.payment_request_id),
            payments::number.eq(&e.number),
            payments::order_id.eq(e.order_id),
            payments::order_number.eq(&e.order_number),
            payments::supplier_id.eq(e.supplier_id),
            payments::supplier_name.eq(&e.supplier_name),
            payments::supplier_bank_name.eq(&e.supplier_bank_name),
            payments::supplier_bank_account.eq(&e.supplier_bank_account),
            payments::kind.eq(&e.kind),
            payments::currency.eq(cur.code()),
            payments::amount.eq(erp_money::round(e.amount, cur)),
            payments::due_date.eq(e.due_date),
            payments::status.eq("awaiting"),
        ))
        .on_conflict(payments::payment_request_id)
        .do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        tracing::info!(event = %env.id, payment_request = %e.number, "payment request already known; ignored");
    }
    Ok(())
}
