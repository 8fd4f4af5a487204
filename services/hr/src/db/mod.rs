//! hr's tables and queries. Functions take a connection that is usually inside a transaction.

pub mod schema;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_problem::AppError;
use schema::{api_keys, departments, employees, refresh_tokens};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = employees)]
pub struct EmployeeRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub position: Option<String>,
    pub roles: Vec<String>,
    pub active: bool,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// Shown to tell keys apart; the secret itself is never stored.
    pub prefix: String,
    #[serde(skip)]
    pub key_hash: String,
    pub roles: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub fn find_employee(conn: &mut PgConnection, id: Uuid) -> Result<Option<EmployeeRow>, AppError> {
    Ok(employees::table
        .find(id)
        .select(EmployeeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Locks the row for the rest of the transaction (updates read-check-write it).
pub fn lock_employee(conn: &mut PgConnection, id: Uuid) -> Result<EmployeeRow, AppError> {
    employees::table
        .find(id)
        .select(EmployeeRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("employee"))
}

pub fn employee_by_code(conn: &mut PgConnection, code: &str) -> Result<Option<EmployeeRow>, AppError> {
    Ok(employees::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(code) = lower(")
                .bind::<diesel::sql_types::Text, _>(code)
                .sql(")"),
        )
        .select(EmployeeRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn employee_exists(conn: &mut PgConnection, id: Uuid) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(employees::table.find(id))).get_result(conn)?)
}

pub fn manager_of(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(employees::table
        .find(id)
        .select(employees::manager_id)
        .first::<Option<Uuid>>(conn)
        .optional()?
        .flatten())
}

pub fn find_department(conn: &mut PgConnection, id: Uuid) -> Result<Option<Department>, AppError> {
    Ok(departments::table
        .find(id)
        .select(Department::as_select())
        .first(conn)
        .optional()?)
}

pub fn department_parent(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(departments::table
        .find(id)
        .select(departments::parent_id)
        .first::<Option<Uuid>>(conn)
        .optional()?
        .flatten())
}

pub fn all_departments(conn: &mut PgConnection) -> Result<Vec<Department>, AppError> {
    Ok(departments::table
        .select(Department::as_select())
        .order(departments::code)
        .load(conn)?)
}

pub fn count_employees(conn: &mut PgConnection) -> Result<i64, AppError> {
    Ok(employees::table.count().get_result(conn)?)
}

pub fn insert_refresh_token(
    conn: &mut PgConnection,
    employee_id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::now_v7()),
            refresh_tokens::employee_id.eq(employee_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Queryable)]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub fn lock_refresh_token(conn: &mut PgConnection, token_hash: &str) -> Result<Option<RefreshTokenRow>, AppError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::employee_id,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .for_update()
        .first(conn)
        .optional()?)
}

pub fn revoke_refresh_token(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::revoked_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

pub fn delete_refresh_token(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::delete(refresh_tokens::table.find(id)).execute(conn)?;
    Ok(())
}

/// Signs the employee out everywhere (password change, deactivation, stolen token).
pub fn revoke_all_refresh_tokens(conn: &mut PgConnection, employee_id: Uuid) -> Result<(), AppError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::employee_id.eq(employee_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(())
}

pub fn api_key_by_prefix(conn: &mut PgConnection, prefix: &str) -> Result<Option<ApiKey>, AppError> {
    Ok(api_keys::table
        .filter(api_keys::prefix.eq(prefix))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?)
}

/// Which hierarchy a change walks: two concurrent changes could each pass the loop check and
/// together make a loop, so changes of one hierarchy take turns (until their commit).
#[derive(Debug, Clone, Copy)]
pub enum Hierarchy {
    Managers = 1,
    Departments = 2,
}

pub fn lock_hierarchy(conn: &mut PgConnection, which: Hierarchy) -> Result<(), AppError> {
    use diesel::connection::SimpleConnection;
    // Key space of hr's advisory locks: 0x6872 ("hr") in the high bits.
    let key = (0x6872_i64 << 32) | which as i64;
    conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({key})"))?;
    Ok(())
}

/// Whether `new_parent` above `id` would close a loop in `which`; takes the hierarchy's lock
/// first so the answer holds until the caller commits.
pub fn would_loop(conn: &mut PgConnection, which: Hierarchy, id: Uuid, new_parent: Uuid) -> Result<bool, AppError> {
    lock_hierarchy(conn, which)?;
    crate::domain::hierarchy::creates_cycle(id, Some(new_parent), |x| match which {
        Hierarchy::Managers => manager_of(conn, x),
        Hierarchy::Departments => department_parent(conn, x),
    })
}
