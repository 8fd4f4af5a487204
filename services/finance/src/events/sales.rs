//! Order to cash: an approved order opens its receivable schedule (no entry: revenue and the
//! receivable are booked when the sales invoice is issued); a confirmed receipt is booked
//! Dr 112 bank (111 for cash) / Cr 131 with the customer as party, and the customer's open
//! balance is published for crm's credit check.

use crate::db::ledger::{NewEntry, NewLine, PartyKind, Source};
use crate::db::schedule;
use crate::domain::chart;
use diesel::PgConnection;
use erp_bus::{Envelope, EventMeta, HandlerError};
use erp_contracts::crm::{OrderApproved, ReceiptConfirmed};
use erp_money::Currency;

fn currency(code: &str) -> Result<Currency, HandlerError> {
    Currency::parse(code).map_err(|e| HandlerError::Poison(e.to_string()))
}

pub fn order_approved(conn: &mut PgConnection, env: &Envelope, e: OrderApproved) -> Result<(), HandlerError> {
    currency(&e.currency)?;
    schedule::schedule(conn, &e)?;
    schedule::publish_balance(
        conn,
        &EventMeta::caused_by(crate::NAME, env),
        e.customer_id,
        &e.currency,
    )?;
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
    schedule::publish_balance(
        conn,
        &EventMeta::caused_by(crate::NAME, env),
        e.customer_id,
        &e.currency,
    )?;
    Ok(())
}
