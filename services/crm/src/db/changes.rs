//! Change requests on approved orders: rows and queries.

use super::schema::order_change_requests;
use crate::domain::documents::ChangeStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_change_requests)]
pub struct ChangeRow {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub reason: String,
    pub proposed: serde_json::Value,
    pub review: serde_json::Value,
    pub status: ChangeStatus,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub below_floor: bool,
    pub margin_pct: Option<Decimal>,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = order_change_requests)]
pub struct NewChange<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub order_id: Uuid,
    pub reason: &'a str,
    pub proposed: serde_json::Value,
    pub status: ChangeStatus,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub below_floor: bool,
    pub margin_pct: Option<Decimal>,
    pub created_by: &'a str,
}

pub fn lock(c: &mut PgConnection, id: Uuid) -> Result<ChangeRow, AppError> {
    order_change_requests::table
        .find(id)
        .select(ChangeRow::as_select())
        .for_update()
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("change request"))
}

/// The order a change request belongs to (404 when unknown).
pub fn order_of(c: &mut PgConnection, id: Uuid) -> Result<Uuid, AppError> {
    order_change_requests::table
        .find(id)
        .select(order_change_requests::order_id)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("change request"))
}

pub fn of_order(c: &mut PgConnection, order_id: Uuid) -> Result<Vec<ChangeRow>, AppError> {
    Ok(order_change_requests::table
        .filter(order_change_requests::order_id.eq(order_id))
        .order(order_change_requests::created_at)
        .select(ChangeRow::as_select())
        .load(c)?)
}

pub fn insert(c: &mut PgConnection, change: &NewChange) -> Result<ChangeRow, AppError> {
    Ok(diesel::insert_into(order_change_requests::table)
        .values(change)
        .returning(ChangeRow::as_returning())
        .get_result(c)?)
}

pub fn set_review(c: &mut PgConnection, id: Uuid, review: serde_json::Value) -> Result<ChangeRow, AppError> {
    Ok(diesel::update(order_change_requests::table.find(id))
        .set((
            order_change_requests::review.eq(review),
            order_change_requests::version.eq(order_change_requests::version + 1),
            order_change_requests::updated_at.eq(Utc::now()),
        ))
        .returning(ChangeRow::as_returning())
        .get_result(c)?)
}

/// Moves a change request to `status` (the caller checked the move), bumping its version.
pub fn set_status(c: &mut PgConnection, id: Uuid, status: ChangeStatus) -> Result<ChangeRow, AppError> {
    Ok(diesel::update(order_change_requests::table.find(id))
        .set((
            order_change_requests::status.eq(status),
            order_change_requests::version.eq(order_change_requests::version + 1),
            order_change_requests::updated_at.eq(Utc::now()),
        ))
        .returning(ChangeRow::as_returning())
        .get_result(c)?)
}

pub fn set_approval(c: &mut PgConnection, id: Uuid, request_id: Uuid) -> Result<(), AppError> {
    diesel::update(order_change_requests::table.find(id))
        .set(order_change_requests::approval_request_id.eq(request_id))
        .execute(c)?;
    Ok(())
}

/// Finds one change request's row without locking it.
pub fn find(c: &mut PgConnection, id: Uuid) -> Result<ChangeRow, AppError> {
    order_change_requests::table
        .find(id)
        .select(ChangeRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("change request"))
}
