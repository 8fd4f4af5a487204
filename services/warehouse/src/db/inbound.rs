//! Inbound notes and their lines.

use super::NoteFilter;
use super::schema::{inbound_note_lines, inbound_notes};
use crate::domain::InboundKind;
use crate::domain::status::InboundStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_contracts::warehouse::SourceRef;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_notes)]
pub struct InboundNote {
    pub id: Uuid,
    pub number: String,
    pub kind: InboundKind,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub warehouse_id: Uuid,
    pub status: InboundStatus,
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InboundNote {
    /// The document the goods arrive for.
    pub fn source(&self) -> SourceRef {
        SourceRef {
            kind: self.source_kind.clone(),
            id: self.source_id,
            number: self.source_number.clone(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_note_lines)]
pub struct InboundLine {
    pub id: Uuid,
    pub note_id: Uuid,
    pub line_no: i32,
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    pub expected: Decimal,
    pub received: Option<Decimal>,
    pub unit_cost: Decimal,
    pub discrepancy: Option<String>,
}

/// A new note's header.
pub struct InboundHeader<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub kind: InboundKind,
    pub source: &'a SourceRef,
    pub warehouse_id: Uuid,
    pub party: Option<&'a str>,
    pub note: Option<&'a str>,
    pub requested_by: &'a str,
}

/// A new note's line: (source line, item, expected, unit cost).
pub type NewInboundLine = (Option<Uuid>, Uuid, Decimal, Decimal);

super::note_reads::note_reads!(
    inbound_notes,
    inbound_note_lines,
    InboundNote,
    InboundLine,
    InboundStatus
);

/// Writes an open note and its lines (numbered in order).
pub fn insert(
    conn: &mut PgConnection,
    new: &InboundHeader<'_>,
    lines: &[NewInboundLine],
) -> Result<InboundNote, AppError> {
    let note: InboundNote = diesel::insert_into(inbound_notes::table)
        .values((
            inbound_notes::id.eq(new.id),
            inbound_notes::number.eq(new.number),
            inbound_notes::kind.eq(new.kind),
            inbound_notes::source_kind.eq(&new.source.kind),
            inbound_notes::source_id.eq(new.source.id),
            inbound_notes::source_number.eq(&new.source.number),
            inbound_notes::warehouse_id.eq(new.warehouse_id),
            inbound_notes::status.eq(InboundStatus::Open),
            inbound_notes::party.eq(new.party),
            inbound_notes::note.eq(new.note),
            inbound_notes::requested_by.eq(new.requested_by),
        ))
        .returning(InboundNote::as_returning())
        .get_result(conn)?;
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, (source_line_id, item_id, expected, cost))| {
            (
                inbound_note_lines::id.eq(Uuid::now_v7()),
                inbound_note_lines::note_id.eq(new.id),
                inbound_note_lines::line_no.eq(super::line_no(i)),
                inbound_note_lines::source_line_id.eq(*source_line_id),
                inbound_note_lines::item_id.eq(*item_id),
                inbound_note_lines::expected.eq(*expected),
                inbound_note_lines::unit_cost.eq(*cost),
            )
        })
        .collect();
    diesel::insert_into(inbound_note_lines::table)
        .values(rows)
        .execute(conn)?;
    Ok(note)
}

/// Writes what was received on a line and why it differs.
pub fn set_line_received(
    conn: &mut PgConnection,
    line_id: Uuid,
    received: Decimal,
    discrepancy: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(inbound_note_lines::table.find(line_id))
        .set((
            inbound_note_lines::received.eq(Some(received)),
            inbound_note_lines::discrepancy.eq(discrepancy),
        ))
        .execute(conn)?;
    Ok(())
}

/// The note was confirmed by `actor` and moves to `status`.
pub fn set_confirmed(conn: &mut PgConnection, id: Uuid, status: InboundStatus, actor: &str) -> Result<(), AppError> {
    diesel::update(inbound_notes::table.find(id))
        .set((
            inbound_notes::status.eq(status),
            inbound_notes::confirmed_by.eq(actor),
            inbound_notes::confirmed_at.eq(Utc::now()),
            inbound_notes::version.eq(inbound_notes::version + 1),
            inbound_notes::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the note to `status` with its note text replaced, and to its next version.
pub fn set_status_with_note(
    conn: &mut PgConnection,
    id: Uuid,
    status: InboundStatus,
    note: &str,
) -> Result<(), AppError> {
    diesel::update(inbound_notes::table.find(id))
        .set((
            inbound_notes::status.eq(status),
            inbound_notes::note.eq(Some(note)),
            inbound_notes::version.eq(inbound_notes::version + 1),
            inbound_notes::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}
