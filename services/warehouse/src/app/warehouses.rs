//! Warehouses (stores, workshops' stores, showrooms). One of them may be the default, where
//! notes from other services that name no warehouse go.

use crate::db::warehouses::{self, Warehouse, WarehouseValues};
use crate::domain::item::check_code;
use diesel::PgConnection;
use erp_problem::{AppError, Validator};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct WarehouseInput {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    /// Make this the default warehouse (the previous default stops being it).
    #[serde(default)]
    pub is_default: bool,
    #[serde(default = "yes")]
    pub active: bool,
    /// Required on update.
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

impl WarehouseInput {
    fn values(&self) -> WarehouseValues<'_> {
        WarehouseValues {
            code: self.code.trim(),
            name: self.name.trim(),
            address: self.address.as_deref(),
            is_default: self.is_default,
            active: self.active,
        }
    }
}

/// Checks a warehouse's values (422 naming each field).
pub fn validate(w: &WarehouseInput) -> Result<(), AppError> {
    let mut v = Validator::new();
    check_code(&mut v, "code", w.code.trim());
    v.text("name", &w.name, 200)
        .optional_text("address", w.address.as_deref(), 500);
    v.check(
        w.active || !w.is_default,
        "is_default",
        "an inactive warehouse cannot be the default",
    );
    v.finish()
}

pub fn list(conn: &mut PgConnection) -> Result<Vec<Warehouse>, AppError> {
    warehouses::list(conn)
}

pub fn get(conn: &mut PgConnection, id: Uuid) -> Result<Warehouse, AppError> {
    warehouses::find(conn, id)?.ok_or_else(|| AppError::not_found("warehouse"))
}

/// Creates a warehouse from checked values; a new default takes the flag from the old one.
pub fn create(conn: &mut PgConnection, input: &WarehouseInput) -> Result<Warehouse, AppError> {
    let id = Uuid::now_v7();
    if input.is_default {
        warehouses::clear_default(conn, id)?;
    }
    warehouses::insert(conn, id, &input.values())
}

/// Changes a warehouse whose `version` read is still current.
pub fn update(conn: &mut PgConnection, id: Uuid, version: i64, input: &WarehouseInput) -> Result<Warehouse, AppError> {
    let current = warehouses::lock_version(conn, id)?.ok_or_else(|| AppError::not_found("warehouse"))?;
    if current != version {
        return Err(AppError::stale_version("the warehouse"));
    }
    if input.is_default {
        warehouses::clear_default(conn, id)?;
    }
    warehouses::update(conn, id, &input.values())
}
