//! The hr service: identity (departments, employees, roles, login and tokens, API keys) and,
//! later, daily work. Publishes `hr.employee.changed`; every other service keeps a directory
//! from it.

pub mod api;
pub mod db;
pub mod domain;
pub mod events;

use diesel::prelude::*;
use erp_auth::Role;
use erp_bus::{EventMeta, Subscriptions};
use erp_config::Config;
use erp_problem::AppError;
use erp_server::ServiceDef;

pub const NAME: &str = "hr";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Employees, departments, roles, login and tokens, API keys for integrators.",
        migrations: || vec![db::MIGRATIONS],
        routes: api::routes,
        subscriptions: Subscriptions::new,
        init: Some(bootstrap_admin),
        jobs: &[],
    }
}

/// The first `hr_admin`, from `HR_ADMIN_CODE` / `HR_ADMIN_PASSWORD`, when no employee with that
/// code exists yet. Runs at every start; does nothing once the admin exists.
fn bootstrap_admin(conn: &mut PgConnection, config: &Config) -> Result<(), AppError> {
    let Some(password) = config.admin_password.as_deref() else {
        if db::count_employees(conn)? == 0 {
            tracing::warn!("no employees yet and HR_ADMIN_PASSWORD is not set: nobody can log in");
        }
        return Ok(());
    };
    let code = config.admin_code.trim();
    if db::employee_by_code(conn, code)?.is_some() {
        return Ok(());
    }
    domain::credentials::check_password_policy(password)
        .map_err(|m| AppError::internal(format!("HR_ADMIN_PASSWORD {m}")))?;
    let hash = domain::credentials::hash_password(password).map_err(AppError::internal)?;
    use db::schema::employees;
    let row: db::EmployeeRow = diesel::insert_into(employees::table)
        .values((
            employees::id.eq(uuid::Uuid::now_v7()),
            employees::code.eq(code),
            employees::name.eq("Administrator"),
            employees::roles.eq(domain::people::role_names(&[Role::HrAdmin, Role::Employee])),
            employees::password_hash.eq(hash),
            employees::password_changed_at.eq(chrono::Utc::now()),
        ))
        .returning(db::EmployeeRow::as_returning())
        .get_result(conn)?;
    events::publish_employee_changed(conn, &EventMeta::new(NAME, "service:hr"), &row)?;
    tracing::info!(code, "created the first hr_admin");
    Ok(())
}
