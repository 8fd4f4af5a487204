//! Outbound notes: goods leaving the warehouse for a sales order (from `crm.outbound.requested`),
//! or by hand. The keeper confirms what actually left; what stock cannot cover stays open and a
//! `warehouse.stock.shortage` goes to purchasing.

use super::notes::{self, NewNote, NoteLine};
use super::stock::{self, Move, Shortage, StockError};
use crate::db::NoteFilter;
use crate::db::items;
use crate::db::outbound::{self, OutboundLine, OutboundNote};
use crate::domain::status::OutboundStatus;
use crate::domain::{outbound_movement, quantity};
use actix_web::http::StatusCode;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::warehouse::{IssuedLine, OutboundConfirmed, SourceRef, StockShortage};
use erp_db::{Page, Paging};
use erp_problem::{AppError, FieldError, Problem, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// A note with its lines.
pub struct OutboundDetail {
    pub note: OutboundNote,
    pub lines: Vec<OutboundLine>,
    /// The lines' items as the catalogue names them.
    pub items: std::collections::HashMap<Uuid, notes::ItemLabel>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ManualLine {
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOutbound {
    /// Default warehouse when absent.
    pub warehouse_id: Option<Uuid>,
    /// Who receives the goods.
    pub party: Option<String>,
    /// Why the goods leave (sample, scrap, return to supplier…).
    pub note: String,
    pub lines: Vec<ManualLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmLine {
    pub line_id: Uuid,
    /// What actually left the warehouse (at most what is still open on the line).
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmOutbound {
    pub lines: Vec<ConfirmLine>,
}

/// What a confirmation did: issued, or nothing because stock was short (the shortage events
/// are kept, so the caller commits and then answers 409 with [`insufficient`]).
pub enum ConfirmOutcome {
    Done(Box<OutboundDetail>),
    Short(Vec<(usize, Shortage)>),
}

pub fn list(
    conn: &mut PgConnection,
    filter: &NoteFilter<OutboundStatus>,
    paging: Paging,
) -> Result<Page<OutboundNote>, AppError> {
    let rows = outbound::list(conn, filter, paging.fetch(), paging.cursor)?;
    Ok(Page::from_rows(rows, paging.limit, |n| n.id))
}

pub fn detail(conn: &mut PgConnection, id: Uuid) -> Result<OutboundDetail, AppError> {
    let note = outbound::find(conn, id)?.ok_or_else(|| AppError::not_found("outbound note"))?;
    let lines = outbound::lines(conn, id)?;
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = notes::item_labels(conn, &ids)?;
    Ok(OutboundDetail { note, lines, items })
}

/// A note made by hand (samples, scrap, returns to a supplier).
pub fn create(conn: &mut PgConnection, actor: &CurrentUser, input: &NewOutbound) -> Result<OutboundDetail, AppError> {
    let new = NewNote {
        source: SourceRef {
            kind: "manual".into(),
            id: Uuid::now_v7(),
            number: None,
        },
        warehouse_id: input.warehouse_id,
        party: input.party.clone(),
        note: Some(input.note.clone()),
        requested_by: actor.actor(),
        lines: input
            .lines
            .iter()
            .map(|l| NoteLine {
                source_line_id: None,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: None,
            })
            .collect(),
    };
    let note = notes::create_outbound(conn, &new)?;
    detail(conn, note.id)
}

fn lock(conn: &mut PgConnection, id: Uuid) -> Result<OutboundNote, AppError> {
    outbound::lock(conn, id)?.ok_or_else(|| AppError::not_found("outbound note"))
}

/// Saves the lines' new state and the note's status that follows from them.
fn save_progress(
    conn: &mut PgConnection,
    note: &OutboundNote,
    lines: &[OutboundLine],
) -> Result<OutboundStatus, AppError> {
    for l in lines {
        outbound::set_line_progress(conn, l)?;
    }
    let status = OutboundStatus::from_lines(
        &lines
            .iter()
            .map(|l| (l.requested, l.issued, l.cancelled))
            .collect::<Vec<_>>(),
    );
    outbound::set_status(conn, note.id, status)?;
    Ok(status)
}

/// Checks what is to be confirmed against the note's open lines; returns line index by line id.
fn check_confirmation(wanted: &[ConfirmLine], lines: &[OutboundLine]) -> Result<HashMap<Uuid, usize>, AppError> {
    let index: HashMap<Uuid, usize> = lines.iter().enumerate().map(|(i, l)| (l.id, i)).collect();
    let mut v = Validator::new();
    let mut seen = HashSet::new();
    v.check(!wanted.is_empty(), "lines", "must confirm at least one line");
    for (i, w) in wanted.iter().enumerate() {
        quantity::check_positive(&mut v, &format!("lines[{i}].quantity"), w.quantity);
        match index.get(&w.line_id) {
            None => {
                v.add(format!("lines[{i}].line_id"), "not a line of this note");
            }
            Some(&li) => {
                if !seen.insert(w.line_id) {
                    v.add(format!("lines[{i}].line_id"), "appears twice");
                } else if w.quantity > lines[li].open_quantity() {
                    v.add(
                        format!("lines[{i}].quantity"),
                        format!(
                            "only {} is still open on this line",
                            quantity::scaled(lines[li].open_quantity())
                        ),
                    );
                }
            }
        }
    }
    v.finish()?;
    Ok(index)
}

/// Confirms what actually left the warehouse, all lines or none (see [`ConfirmOutcome`]).
pub fn confirm(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &ConfirmOutbound,
    meta: &EventMeta,
) -> Result<ConfirmOutcome, AppError> {
    let wanted = &input.lines;
    let note = lock(conn, id)?;
    note.status.check_open("confirm")?;
    let meta = &erp_bus::flow::resume(conn, meta, (notes::OUTBOUND_NOTE, id))?;
    let mut lines = outbound::lines(conn, id)?;
    let index = check_confirmation(wanted, &lines)?;
    let kind = outbound_movement(&note.source_kind);
    let moves: Vec<Move> = wanted
        .iter()
        .filter_map(|w| index.get(&w.line_id).map(|&li| (w, &lines[li])))
        .map(|(w, l)| Move {
            item_id: l.item_id,
            warehouse_id: note.warehouse_id,
            quantity: -w.quantity,
            kind,
            source_line_id: Some(l.id),
            unit_cost: None,
            reason: None,
        })
        .collect();
    let ledger_source = SourceRef {
        kind: "warehouse.outbound_note".into(),
        id: note.id,
        number: Some(note.number.clone()),
    };
    match stock::apply(conn, &moves, &ledger_source, &actor.actor(), meta) {
        Ok(applied) => {
            let mut issued = Vec::with_capacity(applied.len());
            for a in &applied {
                let Some(&li) = a.source_line_id.and_then(|lid| index.get(&lid)) else {
                    continue;
                };
                let line = &mut lines[li];
                line.issued += -a.quantity;
                issued.push(IssuedLine {
                    line_id: line.id,
                    source_line_id: line.source_line_id,
                    item_id: line.item_id,
                    quantity: -a.quantity,
                    unit_cost: a.unit_cost,
                });
            }
            let status = save_progress(conn, &note, &lines)?;
            erp_bus::enqueue(
                conn,
                meta,
                &OutboundConfirmed {
                    note_id: note.id,
                    note_number: note.number.clone(),
                    source: note.source(),
                    warehouse_id: note.warehouse_id,
                    lines: issued,
                    status: status.as_str().to_owned(),
                },
            )?;
            Ok(ConfirmOutcome::Done(Box::new(detail(conn, id)?)))
        }
        Err(StockError::Short(shortages)) => Ok(ConfirmOutcome::Short(report_shortages(
            conn, &note, wanted, shortages, meta,
        )?)),
        Err(StockError::App(e)) => Err(e),
    }
}

/// Publishes `warehouse.stock.shortage` for each short line; returns them with the position of
/// their line in the request.
fn report_shortages(
    conn: &mut PgConnection,
    note: &OutboundNote,
    wanted: &[ConfirmLine],
    shortages: Vec<Shortage>,
    meta: &EventMeta,
) -> Result<Vec<(usize, Shortage)>, AppError> {
    let skus = items::by_ids(conn, &shortages.iter().map(|s| s.item_id).collect::<Vec<_>>())?;
    let mut out = Vec::new();
    for s in shortages {
        let Some(line_id) = s.source_line_id else {
            continue;
        };
        erp_bus::enqueue(
            conn,
            meta,
            &StockShortage {
                item_id: s.item_id,
                sku: skus.get(&s.item_id).map(|i| i.sku.clone()).unwrap_or_default(),
                warehouse_id: s.warehouse_id,
                quantity_missing: s.wanted - s.available.max(Decimal::ZERO),
                source: note.source(),
                note_id: note.id,
                note_line_id: line_id,
            },
        )?;
        let pos = wanted.iter().position(|w| w.line_id == line_id).unwrap_or(0);
        out.push((pos, s));
    }
    Ok(out)
}

/// The 409 for a confirmation that stock could not cover.
pub fn insufficient(shortages: &[(usize, Shortage)]) -> AppError {
    let errors: Vec<FieldError> = shortages
        .iter()
        .map(|(i, s)| {
            FieldError::new(
                format!("lines[{i}].quantity"),
                format!(
                    "insufficient stock: {} wanted, {} available",
                    quantity::scaled(s.wanted),
                    quantity::scaled(s.available.max(Decimal::ZERO))
                ),
            )
        })
        .collect();
    let mut p = Problem::new(
        StatusCode::CONFLICT,
        "insufficient-stock",
        "Insufficient stock",
        "not enough stock for every line; nothing was issued, the note stays open and purchasing has been told",
    );
    p.errors = errors;
    AppError::Refused(Box::new(p))
}

/// Closes what is still open on the note (the order changed, the goods will not be sent).
pub fn cancel_rest(
    conn: &mut PgConnection,
    id: Uuid,
    reason: &str,
    meta: &EventMeta,
) -> Result<OutboundDetail, AppError> {
    let note = lock(conn, id)?;
    note.status.check_open("cancel the rest of")?;
    let meta = &erp_bus::flow::resume(conn, meta, (notes::OUTBOUND_NOTE, id))?;
    let mut lines = outbound::lines(conn, id)?;
    for l in &mut lines {
        l.cancelled += l.open_quantity();
    }
    let status = save_progress(conn, &note, &lines)?;
    let text = match &note.note {
        Some(n) => format!("{n}\nrest cancelled: {reason}"),
        None => format!("rest cancelled: {reason}"),
    };
    outbound::set_note(conn, id, &text)?;
    erp_bus::enqueue(
        conn,
        meta,
        &OutboundConfirmed {
            note_id: note.id,
            note_number: note.number.clone(),
            source: note.source(),
            warehouse_id: note.warehouse_id,
            lines: Vec::new(),
            status: status.as_str().to_owned(),
        },
    )?;
    detail(conn, id)
}
