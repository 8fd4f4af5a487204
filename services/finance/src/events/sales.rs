//! Order to cash: an approved (or changed) order opens its receivable schedule and the lines
//! sales invoices are issued against (no entry: revenue and the receivable are booked when the
//! invoice is issued); a signed delivery makes its quantities invoiceable; an outbound request
//! ties the cost of goods issued to its order (gross margin); a confirmed receipt is booked
//! Dr 112 bank (111 for cash) / Cr 131 with the customer as party, and the customer's open
//! balance is published for crm's credit check.

use crate::db::ledger::{NewEntry, NewLine, PartyKind, Source};
use crate::db::sales;
use crate::db::schedule;
use crate::domain::chart;
use diesel::PgConnection;
use erp_bus::{Envelope, EventMeta, HandlerError};
use erp_contracts::crm::{OrderApproved, OrderChanged, OutboundRequested, ReceiptConfirmed, ShipmentDelivered};
use erp_money::Currency;

fn currency(code: &str) -> Result<Currency, HandlerError> {
    Currency::parse(code).map_err(|e| HandlerError::Poison(e.to_string()))
}

pub fn order_approved(conn: &mut PgConnection, env: &Envelope, e: OrderApproved) -> Result<(), HandlerError> {
    currency(&e.currency)?;
    schedule::schedule(conn, &e)?;
    sales::upsert_order(conn, &e)?;
    let meta = EventMeta::caused_by(crate::NAME, env);
    erp_bus::flow::begin(conn, &meta, (crate::app::invoices::SALES_ORDER, e.order_id))?;
    schedule::publish_balance(conn, &meta, e.customer_id, &e.currency)?;
    Ok(())
}

pub fn order_changed(conn: &mut PgConnection, env: &Envelope, e: OrderChanged) -> Result<(), HandlerError> {
    order_approved(conn, env, e.order)
}

pub fn shipment_delivered(conn: &mut PgConnection, env: &Envelope, e: ShipmentDelivered) -> Result<(), HandlerError> {
    if !sales::record_delivery(conn, &e)? {
        tracing::info!(event = %env.id, shipment = %e.shipment_id, "delivery already recorded; ignored");
    }
    Ok(())
}

pub fn outbound_requested(conn: &mut PgConnection, _env: &Envelope, e: OutboundRequested) -> Result<(), HandlerError> {
    sales::record_outbound_request(conn, e.request_id, e.order_id)?;
    Ok(())
}

pub fn receipt_confirmed(conn: &mut PgConnection, env: &Envelope, e: ReceiptConfirmed) -> Result<(), HandlerError> {
    let cur = currency(&e.currency)?;
    let amount = erp_money::round(e.amount, cur);
    if amount <= rust_decimal::Decimal::ZERO {
        return Err(HandlerError::Poison(format!("receipt {} of {amount}", e.receipt_id)));
    }
    let cash_account = if e.method == "cash" { chart::CASH } else { chart::BANK };
    let entry = NewEntry {
        date: e.received_on,
        memo: format!("Receipt on sales order {}", e.order_number),
        source: Source {
            kind: "crm.receipt".into(),
            id: Some(e.receipt_id),
            number: e.reference.clone().or_else(|| Some(e.order_number.clone())),
        },
        lines: vec![
            NewLine::debit(cash_account, amount, cur),
            NewLine::credit(chart::RECEIVABLES, amount, cur).party(PartyKind::Customer, e.customer_id),
        ],
    };
    if !super::post_from(conn, env, entry)? {
        return Ok(());
    }
    schedule::add_receipt(conn, e.order_id, &e.order_number, e.customer_id, &e.currency, amount)?;
    sales::record_receipt(conn, e.receipt_id, e.order_id, cur.code(), amount, e.received_on)?;
    schedule::publish_balance(
        conn,
        &EventMeta::caused_by(crate::NAME, env),
        e.customer_id,
        &e.currency,
    )?;
    Ok(())
}
