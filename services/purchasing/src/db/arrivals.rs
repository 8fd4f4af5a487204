//! Arrivals announced to the warehouse and their lines: rows and queries.

use super::schema::{arrival_lines, arrivals};
use crate::domain::settlement::ArrivalStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = arrivals)]
pub struct ArrivalRow {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    pub status: ArrivalStatus,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub note_id: Option<Uuid>,
    pub note_number: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = arrival_lines)]
pub struct ArrivalLineRow {
    pub id: Uuid,
    pub arrival_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
    pub received: Option<Decimal>,
    pub discrepancy: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = arrivals)]
pub struct NewArrival {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    pub status: ArrivalStatus,
    pub requested_by: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = arrival_lines)]
pub struct NewArrivalLine {
    pub id: Uuid,
    pub arrival_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<ArrivalRow>, AppError> {
    Ok(arrivals::table
        .find(id)
        .select(ArrivalRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<ArrivalRow, AppError> {
    arrivals::table
        .find(id)
        .select(ArrivalRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("arrival"))
}

pub fn of_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<ArrivalRow>, AppError> {
    Ok(arrivals::table
        .filter(arrivals::order_id.eq(order_id))
        .order(arrivals::id)
        .select(ArrivalRow::as_select())
        .load(conn)?)
}

/// The lines of the arrivals `ids`.
pub fn lines_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<ArrivalLineRow>, AppError> {
    Ok(arrival_lines::table
        .filter(arrival_lines::arrival_id.eq_any(ids))
        .order(arrival_lines::id)
        .select(ArrivalLineRow::as_select())
        .load(conn)?)
}

/// Locks an arrival's lines (after the arrival).
pub fn lock_lines(conn: &mut PgConnection, arrival_id: Uuid) -> Result<Vec<ArrivalLineRow>, AppError> {
    Ok(arrival_lines::table
        .filter(arrival_lines::arrival_id.eq(arrival_id))
        .select(ArrivalLineRow::as_select())
        .for_update()
        .load(conn)?)
}

pub fn insert(conn: &mut PgConnection, arrival: &NewArrival, lines: &[NewArrivalLine]) -> Result<(), AppError> {
    diesel::insert_into(arrivals::table).values(arrival).execute(conn)?;
    diesel::insert_into(arrival_lines::table).values(lines).execute(conn)?;
    Ok(())
}

/// Keeps the keeper's count of a line and the reason when it differs.
pub fn set_counted(
    conn: &mut PgConnection,
    line_id: Uuid,
    received: Decimal,
    discrepancy: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(arrival_lines::table.find(line_id))
        .set((
            arrival_lines::received.eq(Some(received)),
            arrival_lines::discrepancy.eq(discrepancy),
        ))
        .execute(conn)?;
    Ok(())
}

/// The arrival is counted in: its state and the warehouse's note.
pub fn set_confirmed(
    conn: &mut PgConnection,
    id: Uuid,
    status: ArrivalStatus,
    note_id: Uuid,
    note_number: &str,
) -> Result<(), AppError> {
    diesel::update(arrivals::table.find(id))
        .set((
            arrivals::status.eq(status),
            arrivals::note_id.eq(Some(note_id)),
            arrivals::note_number.eq(Some(note_number)),
            arrivals::confirmed_at.eq(Some(Utc::now())),
        ))
        .execute(conn)?;
    Ok(())
}
