//! Goods moving: a sales issue is booked Dr 632 / Cr 156 at quantity × the unit cost the stock
//! left at; a purchase receipt Dr 156 / Cr 3388 (goods received not invoiced) at received × unit
//! cost; an adjustment or a count Dr 156 / Cr 3381 for what was found and Dr 1381 / Cr 156 for
//! what is missing, awaiting resolution. The cost of each sales issue is also kept per outbound request (gross margin). Each line is rounded at the book currency's scale, then summed. Other movements
//! (production issues and receipts, returns) are not booked yet.

use crate::db::{self, ledger::NewEntry, ledger::NewLine, ledger::Source};
use crate::domain::chart;
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::warehouse::{InboundConfirmed, OutboundConfirmed, StockAdjusted};
use rust_decimal::Decimal;

/// The `source.kind` of outbound notes made from crm's requests.
pub const SALES_ISSUE: &str = "crm.outbound_request";

pub fn outbound_confirmed(conn: &mut PgConnection, env: &Envelope, e: OutboundConfirmed) -> Result<(), HandlerError> {
    if e.source.kind != SALES_ISSUE {
        tracing::info!(event = %env.id, source = %e.source.kind, "outbound not for a sales order; not booked");
        return Ok(());
    }
    let cur = db::book_currency(conn)?;
    let cost: Decimal = e
        .lines
        .iter()
        .map(|l| erp_money::round(l.quantity * l.unit_cost, cur))
        .sum();
    if cost <= Decimal::ZERO {
        tracing::info!(event = %env.id, note = %e.note_number, "outbound at no cost; nothing to book");
        return Ok(());
    }
    let entry = NewEntry {
        date: erp_calendar::date_of(env.occurred_at),
        memo: format!("Cost of goods issued on {}", e.note_number),
        source: Source {
            kind: "warehouse.outbound_note".into(),
            id: Some(e.note_id),
            number: Some(e.note_number.clone()),
        },
        lines: vec![
            NewLine::debit(chart::COGS, cost, cur),
            NewLine::credit(chart::INVENTORY, cost, cur),
        ],
    };
    if super::post_from(conn, env, entry)? {
        db::sales::record_issue(
            conn,
            e.note_id,
            &e.note_number,
            e.source.id,
            cur,
            cost,
            erp_calendar::date_of(env.occurred_at),
        )?;
    }
    Ok(())
}

pub fn inbound_confirmed(conn: &mut PgConnection, env: &Envelope, e: InboundConfirmed) -> Result<(), HandlerError> {
    if e.kind != "purchase" {
        tracing::info!(event = %env.id, kind = %e.kind, "inbound not a purchase; not booked");
        return Ok(());
    }
    let cur = db::book_currency(conn)?;
    let cost: Decimal = e
        .lines
        .iter()
        .map(|l| erp_money::round(l.received.max(Decimal::ZERO) * l.unit_cost, cur))
        .sum();
    if cost <= Decimal::ZERO {
        tracing::info!(event = %env.id, note = %e.note_number, "nothing received at a cost; nothing to book");
        return Ok(());
    }
    let entry = NewEntry {
        date: erp_calendar::date_of(env.occurred_at),
        memo: format!("Goods received on {}", e.note_number),
        source: Source {
            kind: "warehouse.inbound_note".into(),
            id: Some(e.note_id),
            number: Some(e.note_number.clone()),
        },
        lines: vec![
            NewLine::debit(chart::INVENTORY, cost, cur),
            NewLine::credit(chart::GRNI, cost, cur),
        ],
    };
    super::post_from(conn, env, entry)?;
    Ok(())
}

pub fn stock_adjusted(conn: &mut PgConnection, env: &Envelope, e: StockAdjusted) -> Result<(), HandlerError> {
    let cur = db::book_currency(conn)?;
    let value = |keep: fn(&Decimal) -> bool| -> Decimal {
        e.lines
            .iter()
            .filter(|l| keep(&l.quantity))
            .map(|l| erp_money::round(l.quantity.abs() * l.unit_cost, cur))
            .sum()
    };
    let surplus = value(|q| *q > Decimal::ZERO);
    let shortage = value(|q| *q < Decimal::ZERO);
    let mut lines = Vec::new();
    if surplus > Decimal::ZERO {
        lines.push(NewLine::debit(chart::INVENTORY, surplus, cur));
        lines.push(NewLine::credit(chart::SURPLUS_PENDING, surplus, cur));
    }
    if shortage > Decimal::ZERO {
        lines.push(NewLine::debit(chart::SHORTAGE_PENDING, shortage, cur));
        lines.push(NewLine::credit(chart::INVENTORY, shortage, cur));
    }
    if lines.is_empty() {
        tracing::info!(event = %env.id, "adjustment at no cost; nothing to book");
        return Ok(());
    }
    let number = e.source.number.clone().unwrap_or_else(|| e.source.id.to_string());
    let entry = NewEntry {
        date: erp_calendar::date_of(env.occurred_at),
        memo: format!("Stock adjusted by {number}: {}", e.reason),
        source: Source {
            kind: e.source.kind.clone(),
            id: Some(e.source.id),
            number: Some(number),
        },
        lines,
    };
    super::post_from(conn, env, entry)?;
    Ok(())
}
