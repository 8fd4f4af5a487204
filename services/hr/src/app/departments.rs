//! Departments: a tree, maintained by `hr_admin`, read by everyone.

use super::employees::publish_changed;
use crate::db::{self, DepartmentRow, Hierarchy};
use diesel::PgConnection;
use erp_bus::EventMeta;
use erp_problem::{AppError, Validator};
use uuid::Uuid;

pub use crate::db::departments::DepartmentFields;

pub fn list(conn: &mut PgConnection) -> Result<Vec<DepartmentRow>, AppError> {
    db::departments::all(conn)
}

pub fn get(conn: &mut PgConnection, id: Uuid) -> Result<DepartmentRow, AppError> {
    db::departments::find(conn, id)?.ok_or_else(|| AppError::not_found("department"))
}

/// The parent must exist and not be the department itself or below it; the manager must exist.
fn check_references(conn: &mut PgConnection, id: Uuid, fields: &DepartmentFields) -> Result<(), AppError> {
    let mut v = Validator::new();
    if let Some(p) = fields.parent_id {
        if db::departments::find(conn, p)?.is_none() {
            v.add("parent_id", "no such department");
        } else if db::hierarchy::would_loop(conn, Hierarchy::Departments, id, p)? {
            v.add("parent_id", "would put the department under itself");
        }
    }
    if let Some(m) = fields.manager_id
        && !db::employees::exists(conn, m)?
    {
        v.add("manager_id", "no such employee");
    }
    v.finish()
}

pub fn create(conn: &mut PgConnection, fields: &DepartmentFields) -> Result<DepartmentRow, AppError> {
    let id = Uuid::now_v7();
    check_references(conn, id, fields)?;
    db::departments::insert(conn, id, fields)
}

/// Changes a department read at `version`; a new code or name is published again for its
/// employees so every service's directory shows it.
pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    fields: &DepartmentFields,
    version: i64,
    meta: &EventMeta,
) -> Result<DepartmentRow, AppError> {
    // The hierarchy lock before the row lock (see `db::hierarchy::would_loop`).
    if fields.parent_id.is_some() {
        db::hierarchy::lock(conn, Hierarchy::Departments)?;
    }
    let current = db::departments::lock(conn, id)?;
    if current.version != version {
        return Err(AppError::stale_version("the department"));
    }
    check_references(conn, id, fields)?;
    let updated = db::departments::update(conn, id, fields)?;
    if updated.code != current.code || updated.name != current.name {
        for member in &db::employees::touch_members_of(conn, id)? {
            publish_changed(conn, meta, member)?;
        }
    }
    Ok(updated)
}
