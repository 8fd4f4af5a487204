//! Goods moving: a sales issue is booked Dr 632 / Cr 156 at quantity × the unit cost the stock
//! left at; a purchase receipt Dr 156 / Cr 3388 (goods received not invoiced) at received × unit
//! cost. Each line is rounded at the book currency's scale, then summed. Other movements
//! (production issues and receipts, returns) are not booked yet.

use crate::db::{self, ledger::NewEntry, ledger::NewLine, ledger::Source};
use crate::domain::chart;
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::warehouse::{InboundConfirmed, OutboundConfirmed};
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
        date: env.occurred_at.date_naive(),
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
    super::post_from(conn, env, entry)?;
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
        date: env.occurred_at.date_naive(),
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
