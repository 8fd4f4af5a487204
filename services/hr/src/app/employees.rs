//! Employees: the company directory (any employee reads it), maintained by `hr_admin`. Every
//! create or change publishes `hr.employee.changed` in the same transaction (the outbox).

use crate::db::employees::{EmployeeChanges, NewEmployee};
use crate::db::{self, EmployeeRow, Hierarchy};
use crate::domain::grants;
use crate::domain::people::{self, EmployeeFields};
use chrono::Utc;
use diesel::PgConnection;
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
use erp_contracts::hr::{DepartmentRef, EmployeeChanged};
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator};
use uuid::Uuid;

pub use crate::db::employees::EmployeeFilter;

/// An employee's fields as validated by the handler, with the department and manager to check.
#[derive(Debug)]
pub struct EmployeeValues {
    pub fields: EmployeeFields,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
}

/// The event every other service builds its directory from.
pub fn changed_event(conn: &mut PgConnection, e: &EmployeeRow) -> Result<EmployeeChanged, AppError> {
    let department = match e.department_id {
        Some(id) => db::departments::find(conn, id)?.map(|d| DepartmentRef {
            id: d.id,
            code: d.code,
            name: d.name,
        }),
        None => None,
    };
    Ok(EmployeeChanged {
        employee_id: e.id,
        code: e.code.clone(),
        name: e.name.clone(),
        email: e.email.clone(),
        department,
        manager_id: e.manager_id,
        position: e.position.clone(),
        roles: e.roles.clone(),
        active: e.active,
        revision: e.version,
        changed_at: e.updated_at,
    })
}

/// Enqueues `hr.employee.changed` for the employee as it is now.
pub fn publish_changed(conn: &mut PgConnection, meta: &EventMeta, e: &EmployeeRow) -> Result<(), AppError> {
    let event = changed_event(conn, e)?;
    erp_bus::enqueue(conn, meta, &event)?;
    Ok(())
}

pub fn get(conn: &mut PgConnection, id: Uuid) -> Result<EmployeeRow, AppError> {
    db::employees::find(conn, id)?.ok_or_else(|| AppError::not_found("employee"))
}

pub fn list(conn: &mut PgConnection, filter: &EmployeeFilter, paging: Paging) -> Result<Page<EmployeeRow>, AppError> {
    db::employees::list(conn, filter, paging)
}

/// Department and manager must exist, and the manager chain must not loop.
fn check_references(conn: &mut PgConnection, employee_id: Uuid, values: &EmployeeValues) -> Result<(), AppError> {
    let mut v = Validator::new();
    if let Some(d) = values.department_id
        && db::departments::find(conn, d)?.is_none()
    {
        v.add("department_id", "no such department");
    }
    if let Some(m) = values.manager_id {
        if !db::employees::exists(conn, m)? {
            v.add("manager_id", "no such employee");
        } else if db::hierarchy::would_loop(conn, Hierarchy::Managers, employee_id, m)? {
            v.add("manager_id", "would make the employee their own (indirect) manager");
        }
    }
    v.finish()
}

/// Checks `actor` may change `target`'s roles from `before` to `after` (domain::grants); the
/// governance lock makes two appointments of a first general manager take turns.
fn check_grants(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    target: Uuid,
    before: &[Role],
    after: &[Role],
) -> Result<(), AppError> {
    let touches_general_manager = before.contains(&Role::GeneralManager) != after.contains(&Role::GeneralManager);
    let has_general_manager = if touches_general_manager {
        db::hierarchy::lock(conn, Hierarchy::Governance)?;
        db::employees::any_active_with_role(conn, Role::GeneralManager.as_str())?
    } else {
        true
    };
    grants::check_role_change(actor, target, before, after, has_general_manager)
}

/// The roles stored on a row (names no longer known are dropped).
fn roles_of(row: &EmployeeRow) -> Vec<Role> {
    row.roles.iter().filter_map(|r| r.parse().ok()).collect()
}

/// Creates an employee (with a password hash made by the caller, off the async workers).
pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    code: &str,
    values: &EmployeeValues,
    password_hash: Option<&str>,
    meta: &EventMeta,
) -> Result<EmployeeRow, AppError> {
    let id = Uuid::now_v7();
    check_references(conn, id, values)?;
    let f = &values.fields;
    check_grants(conn, actor, id, &[], &f.roles)?;
    let roles = people::role_names(&f.roles);
    let row = db::employees::insert(
        conn,
        &NewEmployee {
            id,
            code,
            name: &f.name,
            email: f.email.as_deref(),
            phone: f.phone.as_deref(),
            department_id: values.department_id,
            manager_id: values.manager_id,
            position: f.position.as_deref(),
            roles: &roles,
            password_hash,
            password_changed_at: password_hash.map(|_| Utc::now()),
        },
    )?;
    publish_changed(conn, meta, &row)?;
    Ok(row)
}

/// Changes an employee read at `version` (another version is a 409). A change of roles ends
/// the employee's sessions: no refresh token outlives the roles it was issued for.
pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    values: &EmployeeValues,
    version: i64,
    meta: &EventMeta,
) -> Result<EmployeeRow, AppError> {
    // The hierarchy lock before the row lock: the loop check takes it too, and two updates
    // taking them in opposite orders would deadlock.
    if values.manager_id.is_some() {
        db::hierarchy::lock(conn, Hierarchy::Managers)?;
    }
    let current = db::employees::lock(conn, id)?;
    if current.version != version {
        return Err(AppError::stale_version("the employee"));
    }
    check_references(conn, id, values)?;
    let f = &values.fields;
    let before = roles_of(&current);
    check_grants(conn, actor, id, &before, &f.roles)?;
    let roles = people::role_names(&f.roles);
    if roles != current.roles {
        db::tokens::revoke_all_of(conn, id)?;
    }
    let row = db::employees::update(
        conn,
        id,
        &EmployeeChanges {
            name: &f.name,
            email: f.email.as_deref(),
            phone: f.phone.as_deref(),
            department_id: values.department_id,
            manager_id: values.manager_id,
            position: f.position.as_deref(),
            roles: &roles,
        },
    )?;
    publish_changed(conn, meta, &row)?;
    Ok(row)
}

fn set_active(conn: &mut PgConnection, id: Uuid, active: bool, meta: &EventMeta) -> Result<EmployeeRow, AppError> {
    let current = db::employees::lock(conn, id)?;
    if current.active == active {
        return Ok(current);
    }
    let row = db::employees::set_active(conn, id, active)?;
    if !active {
        db::tokens::revoke_all_of(conn, id)?;
    }
    publish_changed(conn, meta, &row)?;
    Ok(row)
}

/// The employee can no longer sign in and their sessions end; nobody deactivates themselves.
pub fn deactivate(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    meta: &EventMeta,
) -> Result<EmployeeRow, AppError> {
    if id == actor.id {
        return Err(AppError::conflict("you cannot deactivate yourself"));
    }
    set_active(conn, id, false, meta)
}

pub fn activate(conn: &mut PgConnection, id: Uuid, meta: &EventMeta) -> Result<EmployeeRow, AppError> {
    set_active(conn, id, true, meta)
}

/// Sets (or resets) an employee's password from a hash made by the caller; their sessions end.
pub fn set_password(conn: &mut PgConnection, id: Uuid, hash: &str) -> Result<(), AppError> {
    db::employees::lock(conn, id)?;
    super::auth::set_password_hash(conn, id, hash)
}

/// Publishes `hr.employee.changed` again for every employee; returns how many.
pub fn republish(conn: &mut PgConnection, meta: &EventMeta) -> Result<usize, AppError> {
    let rows = db::employees::all(conn)?;
    for row in &rows {
        publish_changed(conn, meta, row)?;
    }
    Ok(rows.len())
}
