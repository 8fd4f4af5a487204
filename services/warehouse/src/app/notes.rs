//! Creating outbound and inbound notes, from events or by hand. A note is unique per source
//! document, so the same request arriving twice gives the same note.

use crate::db::inbound::{self, InboundHeader, InboundNote};
use crate::db::outbound::{self, OutboundHeader, OutboundNote};
use crate::db::{items, stock, warehouses};
use crate::domain::{InboundKind, quantity};
use chrono::Datelike;
use diesel::PgConnection;
use erp_contracts::warehouse::SourceRef;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

/// The notes' names in their business flows (`erp_bus::flow`): a note an event asked for
/// continues the flow of the document that asked.
pub const OUTBOUND_NOTE: &str = "outbound_note";
pub const INBOUND_NOTE: &str = "inbound_note";

pub struct NoteLine {
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    pub quantity: Decimal,
    /// Inbound only.
    pub unit_cost: Option<Decimal>,
}

pub struct NewNote {
    pub source: SourceRef,
    /// `None`: the default warehouse.
    pub warehouse_id: Option<Uuid>,
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub lines: Vec<NoteLine>,
}

/// The warehouse a note goes to, which must exist and be active; its items must exist.
fn check(conn: &mut PgConnection, new: &NewNote, inbound: bool) -> Result<Uuid, AppError> {
    let mut v = Validator::new();
    let warehouse = match new.warehouse_id {
        Some(id) => warehouses::find(conn, id)?,
        None => warehouses::default_active(conn)?,
    };
    let warehouse_id = match warehouse {
        Some(w) if w.active => Some(w.id),
        Some(_) => {
            v.add("warehouse_id", "the warehouse is not active");
            None
        }
        None if new.warehouse_id.is_some() => {
            v.add("warehouse_id", "no such warehouse");
            None
        }
        None => {
            v.add("warehouse_id", "no warehouse given and no default warehouse is set");
            None
        }
    };
    v.check(!new.lines.is_empty(), "lines", "must have at least one line");
    let ids: Vec<Uuid> = new.lines.iter().map(|l| l.item_id).collect();
    let items = items::by_ids(conn, &ids)?;
    for (i, line) in new.lines.iter().enumerate() {
        match items.get(&line.item_id) {
            None => {
                v.add(format!("lines[{i}].item_id"), "no such item");
            }
            Some(item) if !item.active && !inbound => {
                v.add(
                    format!("lines[{i}].item_id"),
                    format!("item {} is not active", item.sku),
                );
            }
            Some(_) => {}
        }
        quantity::check_positive(&mut v, &format!("lines[{i}].quantity"), line.quantity);
        if let Some(c) = line.unit_cost {
            quantity::check_non_negative(&mut v, &format!("lines[{i}].unit_cost"), c);
        }
    }
    v.finish()?;
    warehouse_id.ok_or_else(|| AppError::internal("warehouse checked above"))
}

pub fn create_outbound(conn: &mut PgConnection, new: &NewNote) -> Result<OutboundNote, AppError> {
    if let Some(existing) = outbound::find_by_source(conn, &new.source)? {
        return Ok(existing);
    }
    let warehouse_id = check(conn, new, false)?;
    let number = erp_db::next_number(conn, "OUT", erp_calendar::today().year())?;
    let lines: Vec<outbound::NewOutboundLine> = new
        .lines
        .iter()
        .map(|l| (l.source_line_id, l.item_id, l.quantity))
        .collect();
    outbound::insert(
        conn,
        &OutboundHeader {
            id: Uuid::now_v7(),
            number: &number,
            source: &new.source,
            warehouse_id,
            party: new.party.as_deref(),
            note: new.note.as_deref(),
            requested_by: &new.requested_by,
        },
        &lines,
    )
}

pub fn create_inbound(conn: &mut PgConnection, kind: InboundKind, new: &NewNote) -> Result<InboundNote, AppError> {
    if let Some(existing) = inbound::find_by_source(conn, &new.source)? {
        return Ok(existing);
    }
    let warehouse_id = check(conn, new, true)?;
    let ids: Vec<Uuid> = new.lines.iter().map(|l| l.item_id).collect();
    let items = items::by_ids(conn, &ids)?;
    let id = Uuid::now_v7();
    let number = erp_db::next_number(conn, "IN", erp_calendar::today().year())?;
    // Without a cost, goods come in at the current average there (the standard cost when none
    // is in stock), so a return does not disturb the valuation.
    let mut lines: Vec<inbound::NewInboundLine> = Vec::with_capacity(new.lines.len());
    for l in &new.lines {
        let cost = match l.unit_cost {
            Some(c) => c,
            None => {
                let standard = items.get(&l.item_id).map(|it| it.standard_cost).unwrap_or_default();
                stock::average_cost(conn, l.item_id, warehouse_id)?.unwrap_or(standard)
            }
        };
        lines.push((l.source_line_id, l.item_id, l.quantity, cost));
    }
    inbound::insert(
        conn,
        &InboundHeader {
            id,
            number: &number,
            kind,
            source: &new.source,
            warehouse_id,
            party: new.party.as_deref(),
            note: new.note.as_deref(),
            requested_by: &new.requested_by,
        },
        &lines,
    )
}

/// What people read of a line's item: its SKU, name and unit.
#[derive(Debug, Clone)]
pub struct ItemLabel {
    pub sku: String,
    pub name: String,
    pub unit: String,
}

/// The labels of the items a note's lines name.
pub fn item_labels(conn: &mut PgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, ItemLabel>, AppError> {
    Ok(items::by_ids(conn, ids)?
        .into_iter()
        .map(|(id, i)| {
            let label = ItemLabel {
                sku: i.sku,
                name: i.name,
                unit: i.unit,
            };
            (id, label)
        })
        .collect())
}
