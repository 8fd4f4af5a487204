//! Departments: a tree by `parent_id`.

use super::schema::departments;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = departments)]
pub struct DepartmentRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A department's own fields, as created or changed.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = departments, treat_none_as_null = true)]
pub struct DepartmentFields {
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<DepartmentRow>, AppError> {
    Ok(departments::table
        .find(id)
        .select(DepartmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Locks the row for the rest of the transaction (updates read-check-write it).
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<DepartmentRow, AppError> {
    departments::table
        .find(id)
        .select(DepartmentRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("department"))
}

pub fn parent_of(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(departments::table
        .find(id)
        .select(departments::parent_id)
        .first::<Option<Uuid>>(conn)
        .optional()?
        .flatten())
}

/// By code.
pub fn all(conn: &mut PgConnection) -> Result<Vec<DepartmentRow>, AppError> {
    Ok(departments::table
        .select(DepartmentRow::as_select())
        .order(departments::code)
        .load(conn)?)
}

pub fn insert(conn: &mut PgConnection, id: Uuid, fields: &DepartmentFields) -> Result<DepartmentRow, AppError> {
    Ok(diesel::insert_into(departments::table)
        .values((departments::id.eq(id), fields))
        .returning(DepartmentRow::as_returning())
        .get_result(conn)?)
}

/// Sets the fields and moves the version on.
pub fn update(conn: &mut PgConnection, id: Uuid, fields: &DepartmentFields) -> Result<DepartmentRow, AppError> {
    Ok(diesel::update(departments::table.find(id))
        .set((
            fields,
            departments::version.eq(departments::version + 1),
            departments::updated_at.eq(Utc::now()),
        ))
        .returning(DepartmentRow::as_returning())
        .get_result(conn)?)
}
