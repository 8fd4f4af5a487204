//! What hr publishes: `hr.employee.changed` after every create or change of an employee, in the
//! same transaction as the change (through the outbox).

use crate::db::{self, EmployeeRow};
use diesel::PgConnection;
use erp_bus::EventMeta;
use erp_contracts::hr::{DepartmentRef, EmployeeChanged};
use erp_problem::AppError;

pub fn employee_changed(conn: &mut PgConnection, e: &EmployeeRow) -> Result<EmployeeChanged, AppError> {
    let department = match e.department_id {
        Some(id) => db::find_department(conn, id)?.map(|d| DepartmentRef {
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

pub fn publish_employee_changed(conn: &mut PgConnection, meta: &EventMeta, e: &EmployeeRow) -> Result<(), AppError> {
    let event = employee_changed(conn, e)?;
    erp_bus::enqueue(conn, meta, &event)?;
    Ok(())
}
