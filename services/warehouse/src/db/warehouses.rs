//! Warehouses.

use super::schema::warehouses;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = warehouses)]
pub struct Warehouse {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub is_default: bool,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A warehouse's values as written by a create or an update.
pub struct WarehouseValues<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub address: Option<&'a str>,
    pub is_default: bool,
    pub active: bool,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<Warehouse>, AppError> {
    Ok(warehouses::table
        .find(id)
        .select(Warehouse::as_select())
        .first(conn)
        .optional()?)
}

/// The active default warehouse, if one is set.
pub fn default_active(conn: &mut PgConnection) -> Result<Option<Warehouse>, AppError> {
    Ok(warehouses::table
        .filter(warehouses::is_default.eq(true))
        .filter(warehouses::active.eq(true))
        .select(Warehouse::as_select())
        .first(conn)
        .optional()?)
}

/// Every warehouse, by code.
pub fn list(conn: &mut PgConnection) -> Result<Vec<Warehouse>, AppError> {
    Ok(warehouses::table
        .select(Warehouse::as_select())
        .order(warehouses::code)
        .load(conn)?)
}

/// The warehouse's version, its row locked for the rest of the transaction.
pub fn lock_version(conn: &mut PgConnection, id: Uuid) -> Result<Option<i64>, AppError> {
    Ok(warehouses::table
        .find(id)
        .select(warehouses::version)
        .for_update()
        .first::<i64>(conn)
        .optional()?)
}

/// Takes the default flag from every warehouse but `except`.
pub fn clear_default(conn: &mut PgConnection, except: Uuid) -> Result<(), AppError> {
    diesel::update(
        warehouses::table
            .filter(warehouses::is_default.eq(true))
            .filter(warehouses::id.ne(except)),
    )
    .set(warehouses::is_default.eq(false))
    .execute(conn)?;
    Ok(())
}

pub fn insert(conn: &mut PgConnection, id: Uuid, w: &WarehouseValues<'_>) -> Result<Warehouse, AppError> {
    Ok(diesel::insert_into(warehouses::table)
        .values((
            warehouses::id.eq(id),
            warehouses::code.eq(w.code),
            warehouses::name.eq(w.name),
            warehouses::address.eq(w.address),
            warehouses::is_default.eq(w.is_default),
            warehouses::active.eq(w.active),
        ))
        .returning(Warehouse::as_returning())
        .get_result(conn)?)
}

/// Writes every value and moves to the next version.
pub fn update(conn: &mut PgConnection, id: Uuid, w: &WarehouseValues<'_>) -> Result<Warehouse, AppError> {
    Ok(diesel::update(warehouses::table.find(id))
        .set((
            warehouses::code.eq(w.code),
            warehouses::name.eq(w.name),
            warehouses::address.eq(w.address),
            warehouses::is_default.eq(w.is_default),
            warehouses::active.eq(w.active),
            warehouses::version.eq(warehouses::version + 1),
            warehouses::updated_at.eq(Utc::now()),
        ))
        .returning(Warehouse::as_returning())
        .get_result(conn)?)
}
