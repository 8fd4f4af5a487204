//! The start-up hook: the first `hr_admin`, so that somebody can log in.

use super::employees::publish_changed;
use crate::db::{self, employees::NewEmployee};
use crate::domain::{credentials, people};
use chrono::Utc;
use diesel::PgConnection;
use erp_auth::Role;
use erp_bus::EventMeta;
use erp_config::Config;
use erp_problem::AppError;
use uuid::Uuid;

/// The first `hr_admin`, from `HR_ADMIN_CODE` / `HR_ADMIN_PASSWORD`, when no employee with that
/// code exists yet. Runs at every start; does nothing once the admin exists.
pub fn admin(conn: &mut PgConnection, config: &Config) -> Result<(), AppError> {
    let Some(password) = config.admin_password.as_deref() else {
        if db::employees::count(conn)? == 0 {
            tracing::warn!("no employees yet and HR_ADMIN_PASSWORD is not set: nobody can log in");
        }
        return Ok(());
    };
    let code = config.admin_code.trim();
    if db::employees::by_code(conn, code)?.is_some() {
        return Ok(());
    }
    credentials::check_password_policy(password).map_err(|m| AppError::internal(format!("HR_ADMIN_PASSWORD {m}")))?;
    let hash = credentials::hash_password(password).map_err(AppError::internal)?;
    let roles = people::role_names(&[Role::HrAdmin, Role::Employee]);
    let row = db::employees::insert(
        conn,
        &NewEmployee {
            id: Uuid::now_v7(),
            code,
            name: "Administrator",
            email: None,
            phone: None,
            department_id: None,
            manager_id: None,
            position: None,
            roles: &roles,
            password_hash: Some(&hash),
            password_changed_at: Some(Utc::now()),
        },
    )?;
    publish_changed(conn, &EventMeta::new(crate::NAME, "service:hr"), &row)?;
    tracing::info!(code, "created the first hr_admin");
    Ok(())
}
