//! Outbound requests to the warehouse and their lines (the ids the warehouse's note lines refer
//! to).

use super::fulfilment::{outbound_request_lines, outbound_requests};
use crate::domain::fulfilment::OutboundStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbound_requests)]
pub struct OutboundRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub warehouse_id: Option<Uuid>,
    pub status: OutboundStatus,
    pub note_number: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub note_id: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbound_request_lines)]
pub struct OutboundRequestLine {
    pub id: Uuid,
    pub request_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub issued: Decimal,
    pub cancelled: Decimal,
    pub issued_cost: Decimal,
}

impl OutboundRequestLine {
    /// Neither issued nor cancelled yet.
    pub fn open_quantity(&self) -> Decimal {
        (self.quantity - self.issued - self.cancelled).max(Decimal::ZERO)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbound_requests)]
pub struct NewRequest<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub order_id: Uuid,
    pub warehouse_id: Option<Uuid>,
    pub status: OutboundStatus,
    pub requested_by: &'a str,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbound_request_lines)]
pub struct NewRequestLine {
    pub id: Uuid,
    pub request_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
}

pub fn insert(conn: &mut PgConnection, request: &NewRequest<'_>, lines: &[NewRequestLine]) -> Result<(), AppError> {
    diesel::insert_into(outbound_requests::table)
        .values(request)
        .execute(conn)?;
    diesel::insert_into(outbound_request_lines::table)
        .values(lines)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<OutboundRequest>, AppError> {
    Ok(outbound_requests::table
        .find(id)
        .select(OutboundRequest::as_select())
        .first(conn)
        .optional()?)
}

/// The order's requests, oldest first.
pub fn of_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<OutboundRequest>, AppError> {
    Ok(outbound_requests::table
        .filter(outbound_requests::order_id.eq(order_id))
        .order(outbound_requests::id)
        .select(OutboundRequest::as_select())
        .load(conn)?)
}

/// The lines of the requests.
pub fn lines_of(conn: &mut PgConnection, request_ids: &[Uuid]) -> Result<Vec<OutboundRequestLine>, AppError> {
    Ok(outbound_request_lines::table
        .filter(outbound_request_lines::request_id.eq_any(request_ids))
        .order(outbound_request_lines::id)
        .select(OutboundRequestLine::as_select())
        .load(conn)?)
}

/// The request's lines, locked.
pub fn lock_lines(conn: &mut PgConnection, request_id: Uuid) -> Result<Vec<OutboundRequestLine>, AppError> {
    Ok(outbound_request_lines::table
        .filter(outbound_request_lines::request_id.eq(request_id))
        .select(OutboundRequestLine::as_select())
        .for_update()
        .load(conn)?)
}

/// Stores a line's issued, cancelled and cost figures.
pub fn update_line(conn: &mut PgConnection, line: &OutboundRequestLine) -> Result<(), AppError> {
    diesel::update(outbound_request_lines::table.find(line.id))
        .set((
            outbound_request_lines::issued.eq(line.issued),
            outbound_request_lines::cancelled.eq(line.cancelled),
            outbound_request_lines::issued_cost.eq(line.issued_cost),
        ))
        .execute(conn)?;
    Ok(())
}

/// What the warehouse last reported on the request.
pub fn set_reported(
    conn: &mut PgConnection,
    id: Uuid,
    status: OutboundStatus,
    note_id: Uuid,
    note_number: &str,
) -> Result<(), AppError> {
    diesel::update(outbound_requests::table.find(id))
        .set((
            outbound_requests::status.eq(status),
            outbound_requests::note_id.eq(note_id),
            outbound_requests::note_number.eq(note_number),
            outbound_requests::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}
