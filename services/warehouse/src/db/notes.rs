//! Creating outbound and inbound notes, from events or by hand. A note is unique per source
//! document, so the same request arriving twice gives the same note.

use super::schema::{inbound_note_lines, inbound_notes, outbound_note_lines, outbound_notes};
use super::{InboundNote, OutboundNote};
use chrono::Datelike;
use diesel::prelude::*;
use erp_contracts::warehouse::SourceRef;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use uuid::Uuid;

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
        Some(id) => super::find_warehouse(conn, id)?,
        None => super::default_warehouse(conn)?,
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
    let items = super::items_by_id(conn, &ids)?;
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
        crate::domain::quantity::check_positive(&mut v, &format!("lines[{i}].quantity"), line.quantity);
        if let Some(c) = line.unit_cost {
            crate::domain::quantity::check_non_negative(&mut v, &format!("lines[{i}].unit_cost"), c);
        }
    }
    v.finish()?;
    warehouse_id.ok_or_else(|| AppError::internal("warehouse checked above"))
}

pub fn create_outbound(conn: &mut PgConnection, new: &NewNote) -> Result<OutboundNote, AppError> {
    if let Some(existing) = outbound_notes::table
        .filter(outbound_notes::source_kind.eq(&new.source.kind))
        .filter(outbound_notes::source_id.eq(new.source.id))
        .select(OutboundNote::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(existing);
    }
    let warehouse_id = check(conn, new, false)?;
    let id = Uuid::now_v7();
    let number = erp_db::next_number(conn, "OUT", erp_calendar::today().year())?;
    let note: OutboundNote = diesel::insert_into(outbound_notes::table)
        .values((
            outbound_notes::id.eq(id),
            outbound_notes::number.eq(&number),
            outbound_notes::source_kind.eq(&new.source.kind),
            outbound_notes::source_id.eq(new.source.id),
            outbound_notes::source_number.eq(&new.source.number),
            outbound_notes::warehouse_id.eq(warehouse_id),
            outbound_notes::status.eq("open"),
            outbound_notes::party.eq(&new.party),
            outbound_notes::note.eq(&new.note),
            outbound_notes::requested_by.eq(&new.requested_by),
        ))
        .returning(OutboundNote::as_returning())
        .get_result(conn)?;
    let rows: Vec<_> = new
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                outbound_note_lines::id.eq(Uuid::now_v7()),
                outbound_note_lines::note_id.eq(id),
                outbound_note_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                outbound_note_lines::source_line_id.eq(l.source_line_id),
                outbound_note_lines::item_id.eq(l.item_id),
                outbound_note_lines::requested.eq(l.quantity),
            )
        })
        .collect();
    diesel::insert_into(outbound_note_lines::table)
        .values(rows)
        .execute(conn)?;
    Ok(note)
}

pub fn create_inbound(conn: &mut PgConnection, kind: &str, new: &NewNote) -> Result<InboundNote, AppError> {
    if let Some(existing) = inbound_notes::table
        .filter(inbound_notes::source_kind.eq(&new.source.kind))
        .filter(inbound_notes::source_id.eq(new.source.id))
        .select(InboundNote::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(existing);
    }
    let warehouse_id = check(conn, new, true)?;
    let ids: Vec<Uuid> = new.lines.iter().map(|l| l.item_id).collect();
    let items = super::items_by_id(conn, &ids)?;
    let id = Uuid::now_v7();
    let number = erp_db::next_number(conn, "IN", erp_calendar::today().year())?;
    let note: InboundNote = diesel::insert_into(inbound_notes::table)
        .values((
            inbound_notes::id.eq(id),
            inbound_notes::number.eq(&number),
            inbound_notes::kind.eq(kind),
            inbound_notes::source_kind.eq(&new.source.kind),
            inbound_notes::source_id.eq(new.source.id),
            inbound_notes::source_number.eq(&new.source.number),
            inbound_notes::warehouse_id.eq(warehouse_id),
            inbound_notes::status.eq("open"),
            inbound_notes::party.eq(&new.party),
            inbound_notes::note.eq(&new.note),
            inbound_notes::requested_by.eq(&new.requested_by),
        ))
        .returning(InboundNote::as_returning())
        .get_result(conn)?;
    // Without a cost, goods come in at the current average there (the standard cost when none
    // is in stock), so a return does not disturb the valuation.
    let mut costs = Vec::with_capacity(new.lines.len());
    for l in &new.lines {
        costs.push(match l.unit_cost {
            Some(c) => c,
            None => {
                let standard = items.get(&l.item_id).map(|it| it.standard_cost).unwrap_or_default();
                super::stock::average_cost(conn, l.item_id, warehouse_id)?.unwrap_or(standard)
            }
        });
    }
    let rows: Vec<_> = new
        .lines
        .iter()
        .zip(costs)
        .enumerate()
        .map(|(i, (l, cost))| {
            (
                inbound_note_lines::id.eq(Uuid::now_v7()),
                inbound_note_lines::note_id.eq(id),
                inbound_note_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                inbound_note_lines::source_line_id.eq(l.source_line_id),
                inbound_note_lines::item_id.eq(l.item_id),
                inbound_note_lines::expected.eq(l.quantity),
                inbound_note_lines::unit_cost.eq(cost),
            )
        })
        .collect();
    diesel::insert_into(inbound_note_lines::table)
        .values(rows)
        .execute(conn)?;
    Ok(note)
}
