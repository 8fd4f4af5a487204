//! Employees: the directory, with roles and the password hash.

use super::schema::employees;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_db::{Page, Paging};
use erp_problem::AppError;
use uuid::Uuid;

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

/// A new employee; a password hash comes with the time it was set.
#[derive(Debug, Insertable)]
#[diesel(table_name = employees)]
pub struct NewEmployee<'a> {
    pub id: Uuid,
    pub code: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub position: Option<&'a str>,
    pub roles: &'a [String],
    pub password_hash: Option<&'a str>,
    pub password_changed_at: Option<DateTime<Utc>>,
}

/// What an update of an employee sets (every field, blanks as null).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = employees, treat_none_as_null = true)]
pub struct EmployeeChanges<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub position: Option<&'a str>,
    pub roles: &'a [String],
}

/// The directory's filters.
#[derive(Debug, Clone, Default)]
pub struct EmployeeFilter {
    /// Text in code, name or e-mail.
    pub text: Option<String>,
    pub department_id: Option<Uuid>,
    pub active: Option<bool>,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<EmployeeRow>, AppError> {
    Ok(employees::table
        .find(id)
        .select(EmployeeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Locks the row for the rest of the transaction (updates read-check-write it).
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<EmployeeRow, AppError> {
    employees::table
        .find(id)
        .select(EmployeeRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("employee"))
}

/// Codes are unique without regard to case.
pub fn by_code(conn: &mut PgConnection, code: &str) -> Result<Option<EmployeeRow>, AppError> {
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

pub fn exists(conn: &mut PgConnection, id: Uuid) -> Result<bool, AppError> {
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

/// Whether an active employee holds `role`.
pub fn any_active_with_role(conn: &mut PgConnection, role: &str) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        employees::table
            .filter(employees::active.eq(true))
            .filter(employees::roles.contains(vec![role])),
    ))
    .get_result(conn)?)
}

pub fn count(conn: &mut PgConnection) -> Result<i64, AppError> {
    Ok(employees::table.count().get_result(conn)?)
}

/// One page of the directory in id order.
pub fn list(conn: &mut PgConnection, filter: &EmployeeFilter, paging: Paging) -> Result<Page<EmployeeRow>, AppError> {
    let mut sql = employees::table
        .select(EmployeeRow::as_select())
        .order(employees::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let p = erp_db::like_pattern(text);
        sql = sql.filter(
            employees::name
                .ilike(p.clone())
                .or(employees::code.ilike(p.clone()))
                .or(employees::email.ilike(p)),
        );
    }
    if let Some(d) = filter.department_id {
        sql = sql.filter(employees::department_id.eq(d));
    }
    if let Some(a) = filter.active {
        sql = sql.filter(employees::active.eq(a));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(employees::id.gt(after));
    }
    Ok(Page::from_rows(sql.load(conn)?, paging.limit, |r| r.id))
}

/// Everyone, in id order.
pub fn all(conn: &mut PgConnection) -> Result<Vec<EmployeeRow>, AppError> {
    Ok(employees::table
        .select(EmployeeRow::as_select())
        .order(employees::id)
        .load(conn)?)
}

pub fn insert(conn: &mut PgConnection, new: &NewEmployee<'_>) -> Result<EmployeeRow, AppError> {
    Ok(diesel::insert_into(employees::table)
        .values(new)
        .returning(EmployeeRow::as_returning())
        .get_result(conn)?)
}

/// Sets the changes and moves the version on.
pub fn update(conn: &mut PgConnection, id: Uuid, changes: &EmployeeChanges<'_>) -> Result<EmployeeRow, AppError> {
    Ok(diesel::update(employees::table.find(id))
        .set((
            changes,
            employees::version.eq(employees::version + 1),
            employees::updated_at.eq(Utc::now()),
        ))
        .returning(EmployeeRow::as_returning())
        .get_result(conn)?)
}

pub fn set_active(conn: &mut PgConnection, id: Uuid, active: bool) -> Result<EmployeeRow, AppError> {
    Ok(diesel::update(employees::table.find(id))
        .set((
            employees::active.eq(active),
            employees::version.eq(employees::version + 1),
            employees::updated_at.eq(Utc::now()),
        ))
        .returning(EmployeeRow::as_returning())
        .get_result(conn)?)
}

pub fn set_password_hash(conn: &mut PgConnection, id: Uuid, hash: &str) -> Result<(), AppError> {
    diesel::update(employees::table.find(id))
        .set((
            employees::password_hash.eq(hash),
            employees::password_changed_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the version of every member of a department on (its code or name changed, so their
/// published record did too) and returns them.
pub fn touch_members_of(conn: &mut PgConnection, department_id: Uuid) -> Result<Vec<EmployeeRow>, AppError> {
    Ok(
        diesel::update(employees::table.filter(employees::department_id.eq(department_id)))
            .set((
                employees::version.eq(employees::version + 1),
                employees::updated_at.eq(Utc::now()),
            ))
            .returning(EmployeeRow::as_returning())
            .get_results(conn)?,
    )
}
