//! Outbound notes and their lines.

use super::NoteFilter;
use super::schema::{outbound_note_lines, outbound_notes};
use crate::domain::status::OutboundStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_contracts::warehouse::SourceRef;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbound_notes)]
pub struct OutboundNote {
    pub id: Uuid,
    pub number: String,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub warehouse_id: Uuid,
    pub status: OutboundStatus,
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OutboundNote {
    /// The document that asked for the goods.
    pub fn source(&self) -> SourceRef {
        SourceRef {
            kind: self.source_kind.clone(),
            id: self.source_id,
            number: self.source_number.clone(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbound_note_lines)]
pub struct OutboundLine {
    pub id: Uuid,
    pub note_id: Uuid,
    pub line_no: i32,
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    pub requested: Decimal,
    pub issued: Decimal,
    pub cancelled: Decimal,
}

impl OutboundLine {
    /// What is still to issue.
    pub fn open_quantity(&self) -> Decimal {
        self.requested - self.issued - self.cancelled
    }
}

/// A new note's header.
pub struct OutboundHeader<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub source: &'a SourceRef,
    pub warehouse_id: Uuid,
    pub party: Option<&'a str>,
    pub note: Option<&'a str>,
    pub requested_by: &'a str,
}

/// A new note's line: (source line, item, requested).
pub type NewOutboundLine = (Option<Uuid>, Uuid, Decimal);

super::note_reads::note_reads!(
    outbound_notes,
    outbound_note_lines,
    OutboundNote,
    OutboundLine,
    OutboundStatus
);

/// Writes an open note and its lines (numbered in order).
pub fn insert(
    conn: &mut PgConnection,
    new: &OutboundHeader<'_>,
    lines: &[NewOutboundLine],
) -> Result<OutboundNote, AppError> {
    let note: OutboundNote = diesel::insert_into(outbound_notes::table)
        .values((
            outbound_notes::id.eq(new.id),
            outbound_notes::number.eq(new.number),
            outbound_notes::source_kind.eq(&new.source.kind),
            outbound_notes::source_id.eq(new.source.id),
            outbound_notes::source_number.eq(&new.source.number),
            outbound_notes::warehouse_id.eq(new.warehouse_id),
            outbound_notes::status.eq(OutboundStatus::Open),
            outbound_notes::party.eq(new.party),
            outbound_notes::note.eq(new.note),
            outbound_notes::requested_by.eq(new.requested_by),
        ))
        .returning(OutboundNote::as_returning())
        .get_result(conn)?;
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, (source_line_id, item_id, quantity))| {
            (
                outbound_note_lines::id.eq(Uuid::now_v7()),
                outbound_note_lines::note_id.eq(new.id),
                outbound_note_lines::line_no.eq(super::line_no(i)),
                outbound_note_lines::source_line_id.eq(*source_line_id),
                outbound_note_lines::item_id.eq(*item_id),
                outbound_note_lines::requested.eq(*quantity),
            )
        })
        .collect();
    diesel::insert_into(outbound_note_lines::table)
        .values(rows)
        .execute(conn)?;
    Ok(note)
}

/// Writes a line's issued and cancelled quantities.
pub fn set_line_progress(conn: &mut PgConnection, line: &OutboundLine) -> Result<(), AppError> {
    diesel::update(outbound_note_lines::table.find(line.id))
        .set((
            outbound_note_lines::issued.eq(line.issued),
            outbound_note_lines::cancelled.eq(line.cancelled),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the note to `status` and its next version.
pub fn set_status(conn: &mut PgConnection, id: Uuid, status: OutboundStatus) -> Result<(), AppError> {
    diesel::update(outbound_notes::table.find(id))
        .set((
            outbound_notes::status.eq(status),
            outbound_notes::version.eq(outbound_notes::version + 1),
            outbound_notes::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_note(conn: &mut PgConnection, id: Uuid, note: &str) -> Result<(), AppError> {
    diesel::update(outbound_notes::table.find(id))
        .set(outbound_notes::note.eq(Some(note)))
        .execute(conn)?;
    Ok(())
}
