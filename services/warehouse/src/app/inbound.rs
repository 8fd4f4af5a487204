//! Inbound notes: purchase arrivals (`purchasing.inbound.requested`), finished goods
//! (`production.receipt.requested`) and returns by hand. The keeper counts what arrived and
//! confirms it, explaining any difference; `warehouse.inbound.confirmed` follows.

use super::notes::{self, NewNote, NoteLine};
use super::stock::{self, Move, StockError};
use crate::db::NoteFilter;
use crate::db::inbound::{self, InboundLine, InboundNote};
use crate::domain::InboundKind;
use crate::domain::quantity;
use crate::domain::status::{InboundAction, InboundStatus};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::warehouse::{InboundConfirmed, ReceivedLine, SourceRef};
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A note with its lines.
pub struct InboundDetail {
    pub note: InboundNote,
    pub lines: Vec<InboundLine>,
    /// The lines' items as the catalogue names them.
    pub items: std::collections::HashMap<Uuid, notes::ItemLabel>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnLine {
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Cost of the returned goods; the current average when absent.
    #[schema(value_type = Option<String>)]
    pub unit_cost: Option<Decimal>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReturn {
    pub warehouse_id: Option<Uuid>,
    /// Who returns the goods.
    pub party: String,
    pub note: Option<String>,
    pub lines: Vec<ReturnLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceivedInput {
    pub line_id: Uuid,
    #[schema(value_type = String)]
    pub received: Decimal,
    /// Required when `received` differs from what was expected.
    pub discrepancy: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmInbound {
    /// Every line of the note, with what was counted.
    pub lines: Vec<ReceivedInput>,
}

pub fn list(
    conn: &mut PgConnection,
    filter: &NoteFilter<InboundStatus>,
    paging: Paging,
) -> Result<Page<InboundNote>, AppError> {
    let rows = inbound::list(conn, filter, paging.fetch(), paging.cursor)?;
    Ok(Page::from_rows(rows, paging.limit, |n| n.id))
}

pub fn detail(conn: &mut PgConnection, id: Uuid) -> Result<InboundDetail, AppError> {
    let note = inbound::find(conn, id)?.ok_or_else(|| AppError::not_found("inbound note"))?;
    let lines = inbound::lines(conn, id)?;
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = notes::item_labels(conn, &ids)?;
    Ok(InboundDetail { note, lines, items })
}

/// A return by hand: goods coming back from a customer.
pub fn create_return(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: &NewReturn,
) -> Result<InboundDetail, AppError> {
    let new = NewNote {
        source: SourceRef {
            kind: "manual".into(),
            id: Uuid::now_v7(),
            number: None,
        },
        warehouse_id: input.warehouse_id,
        party: Some(input.party.clone()),
        note: input.note.clone(),
        requested_by: actor.actor(),
        lines: input
            .lines
            .iter()
            .map(|l| NoteLine {
                source_line_id: None,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: l.unit_cost,
            })
            .collect(),
    };
    let note = notes::create_inbound(conn, InboundKind::Return, &new)?;
    detail(conn, note.id)
}

fn lock(conn: &mut PgConnection, id: Uuid) -> Result<InboundNote, AppError> {
    inbound::lock(conn, id)?.ok_or_else(|| AppError::not_found("inbound note"))
}

/// Every line confirmed once, each difference explained.
fn check_receipt(input: &[ReceivedInput], lines: &[InboundLine]) -> Result<HashMap<Uuid, usize>, AppError> {
    let given: HashMap<Uuid, usize> = input.iter().enumerate().map(|(i, r)| (r.line_id, i)).collect();
    let mut v = Validator::new();
    v.check(given.len() == input.len(), "lines", "a line appears twice");
    for (i, r) in input.iter().enumerate() {
        quantity::check_non_negative(&mut v, &format!("lines[{i}].received"), r.received);
        match lines.iter().find(|l| l.id == r.line_id) {
            None => {
                v.add(format!("lines[{i}].line_id"), "not a line of this note");
            }
            Some(l) if r.received != l.expected && r.discrepancy.as_deref().is_none_or(|d| d.trim().is_empty()) => {
                v.add(
                    format!("lines[{i}].discrepancy"),
                    format!(
                        "{} expected, {} received: say why",
                        quantity::scaled(l.expected),
                        quantity::scaled(r.received)
                    ),
                );
            }
            Some(_) => {}
        }
    }
    for l in lines {
        if !given.contains_key(&l.id) {
            v.add(
                "lines",
                format!(
                    "line {} is missing: confirm every line (0 when nothing came)",
                    l.line_no
                ),
            );
        }
    }
    v.finish()?;
    Ok(given)
}

/// Confirms what arrived: stock rises at each line's cost and `warehouse.inbound.confirmed`
/// is published.
pub fn confirm(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &ConfirmInbound,
    meta: &EventMeta,
) -> Result<InboundDetail, AppError> {
    let actor = actor.actor();
    let note = lock(conn, id)?;
    let next = note.status.transition(InboundAction::Confirm)?;
    let meta = &erp_bus::flow::resume(conn, meta, (notes::INBOUND_NOTE, id))?;
    let lines = inbound::lines(conn, id)?;
    let given = check_receipt(&input.lines, &lines)?;
    let received_of = |l: &InboundLine| given.get(&l.id).map(|i| &input.lines[*i]);
    let kind = note.kind.movement();
    let moves: Vec<Move> = lines
        .iter()
        .filter_map(|l| received_of(l).map(|r| (l, r)))
        .filter(|(_, r)| r.received > Decimal::ZERO)
        .map(|(l, r)| Move {
            item_id: l.item_id,
            warehouse_id: note.warehouse_id,
            quantity: r.received,
            kind,
            source_line_id: Some(l.id),
            unit_cost: Some(l.unit_cost),
            reason: r.discrepancy.clone(),
        })
        .collect();
    let ledger_source = SourceRef {
        kind: "warehouse.inbound_note".into(),
        id: note.id,
        number: Some(note.number.clone()),
    };
    if !moves.is_empty() {
        stock::apply(conn, &moves, &ledger_source, &actor, meta).map_err(|e| match e {
            StockError::App(e) => e,
            StockError::Short(_) => AppError::internal("a receipt cannot be short of stock"),
        })?;
    }
    let mut received = Vec::with_capacity(lines.len());
    for l in &lines {
        let Some(r) = received_of(l) else {
            continue;
        };
        let discrepancy = erp_problem::clean(r.discrepancy.as_deref());
        inbound::set_line_received(conn, l.id, r.received, discrepancy.as_deref())?;
        received.push(ReceivedLine {
            line_id: l.id,
            source_line_id: l.source_line_id,
            item_id: l.item_id,
            expected: l.expected,
            received: r.received,
            unit_cost: l.unit_cost,
            discrepancy,
        });
    }
    inbound::set_confirmed(conn, id, next, &actor)?;
    erp_bus::enqueue(
        conn,
        meta,
        &InboundConfirmed {
            note_id: note.id,
            note_number: note.number.clone(),
            kind: note.kind.as_str().to_owned(),
            source: note.source(),
            warehouse_id: note.warehouse_id,
            lines: received,
        },
    )?;
    detail(conn, id)
}

/// Nothing will arrive for this note.
pub fn cancel(conn: &mut PgConnection, id: Uuid, reason: &str) -> Result<InboundDetail, AppError> {
    let note = lock(conn, id)?;
    let next = note.status.transition(InboundAction::Cancel)?;
    let text = match &note.note {
        Some(n) => format!("{n}\ncancelled: {reason}"),
        None => format!("cancelled: {reason}"),
    };
    inbound::set_status_with_note(conn, id, next, &text)?;
    detail(conn, id)
}
