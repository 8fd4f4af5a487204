//! Shipments of issued goods and their lines; the customer's signature delivers them.

use super::fulfilment::{shipment_lines, shipments};
use crate::domain::fulfilment::ShipmentStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = shipments)]
pub struct Shipment {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub carrier: String,
    pub tracking_number: Option<String>,
    pub status: ShipmentStatus,
    pub shipped_by: String,
    pub shipped_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub signed_delivery_note_ref: Option<String>,
    pub delivered_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = shipment_lines)]
pub struct ShipmentLine {
    pub id: Uuid,
    pub shipment_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = shipments)]
pub struct NewShipment<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub order_id: Uuid,
    pub carrier: &'a str,
    pub tracking_number: Option<&'a str>,
    pub status: ShipmentStatus,
    pub shipped_by: &'a str,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = shipment_lines)]
pub struct NewShipmentLine {
    pub id: Uuid,
    pub shipment_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
}

pub fn insert(conn: &mut PgConnection, shipment: &NewShipment<'_>, lines: &[NewShipmentLine]) -> Result<(), AppError> {
    diesel::insert_into(shipments::table).values(shipment).execute(conn)?;
    diesel::insert_into(shipment_lines::table).values(lines).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Shipment, AppError> {
    shipments::table
        .find(id)
        .select(Shipment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("shipment"))
}

/// The shipment, locked; lock its order first (one lock order for every order's document).
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Shipment, AppError> {
    shipments::table
        .find(id)
        .select(Shipment::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("shipment"))
}

/// The order a shipment belongs to.
pub fn order_of(conn: &mut PgConnection, id: Uuid) -> Result<Uuid, AppError> {
    shipments::table
        .find(id)
        .select(shipments::order_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("shipment"))
}

/// The order's shipments, oldest first.
pub fn of_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<Shipment>, AppError> {
    Ok(shipments::table
        .filter(shipments::order_id.eq(order_id))
        .order(shipments::id)
        .select(Shipment::as_select())
        .load(conn)?)
}

/// The lines of the shipments.
pub fn lines_of(conn: &mut PgConnection, shipment_ids: &[Uuid]) -> Result<Vec<ShipmentLine>, AppError> {
    Ok(shipment_lines::table
        .filter(shipment_lines::shipment_id.eq_any(shipment_ids))
        .order(shipment_lines::id)
        .select(ShipmentLine::as_select())
        .load(conn)?)
}

/// Records the customer's signature.
pub fn deliver(
    conn: &mut PgConnection,
    id: Uuid,
    status: ShipmentStatus,
    delivered_at: DateTime<Utc>,
    note_ref: &str,
    by: &str,
) -> Result<(), AppError> {
    diesel::update(shipments::table.find(id))
        .set((
            shipments::status.eq(status),
            shipments::delivered_at.eq(delivered_at),
            shipments::signed_delivery_note_ref.eq(note_ref),
            shipments::delivered_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Per order line, the quantity of shipments the customer signed for.
pub fn delivered_by_line(conn: &mut PgConnection, order_id: Uuid) -> Result<HashMap<Uuid, Decimal>, AppError> {
    let rows: Vec<(Uuid, Decimal)> = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipments::order_id.eq(order_id))
        .filter(shipments::status.eq(ShipmentStatus::Delivered))
        .select((shipment_lines::order_line_id, shipment_lines::quantity))
        .load(conn)?;
    let mut out = HashMap::new();
    for (line, q) in rows {
        *out.entry(line).or_insert(Decimal::ZERO) += q;
    }
    Ok(out)
}
