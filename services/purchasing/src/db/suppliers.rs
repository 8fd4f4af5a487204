//! Suppliers: the row and its queries.

use super::schema::suppliers;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use std::collections::HashMap;
use uuid::Uuid;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = suppliers)]
pub struct SupplierRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub contacts: serde_json::Value,
    pub currency: String,
    pub payment_terms: String,
    pub payment_days: i32,
    pub rating: Option<i32>,
    pub active: bool,
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A supplier's values as written on create and update.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = suppliers, treat_none_as_null = true)]
pub struct SupplierValues {
    pub code: String,
    pub name: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub contacts: serde_json::Value,
    pub currency: String,
    pub payment_terms: String,
    pub payment_days: i32,
    pub rating: Option<i32>,
    pub search_text: String,
}

/// A list's filters.
#[derive(Debug, Clone, Default)]
pub struct SupplierFilter {
    /// Folded search text (`erp_db::fold_search`).
    pub text: Option<String>,
    pub active: Option<bool>,
    pub currency: Option<String>,
    pub min_rating: Option<i32>,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<SupplierRow>, AppError> {
    Ok(suppliers::table
        .find(id)
        .select(SupplierRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<SupplierRow>, AppError> {
    Ok(suppliers::table
        .find(id)
        .select(SupplierRow::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

/// The suppliers among `ids`, by id.
pub fn by_id(conn: &mut PgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, SupplierRow>, AppError> {
    Ok(suppliers::table
        .filter(suppliers::id.eq_any(ids))
        .select(SupplierRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

pub fn list(conn: &mut PgConnection, f: &SupplierFilter, paging: &Paging) -> Result<Vec<SupplierRow>, AppError> {
    let mut sql = suppliers::table
        .select(SupplierRow::as_select())
        .order(suppliers::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(text) = &f.text {
        sql = sql.filter(suppliers::search_text.like(erp_db::like_pattern(text)));
    }
    if let Some(a) = f.active {
        sql = sql.filter(suppliers::active.eq(a));
    }
    if let Some(cur) = &f.currency {
        sql = sql.filter(suppliers::currency.eq(cur));
    }
    if let Some(r) = f.min_rating {
        sql = sql.filter(suppliers::rating.ge(r));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(suppliers::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

/// Another supplier with `code` in any case.
pub fn code_taken(conn: &mut PgConnection, code: &str, except: Option<Uuid>) -> Result<bool, AppError> {
    let mut q = suppliers::table
        .filter(lower(suppliers::code).eq(code.to_lowercase()))
        .select(suppliers::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(suppliers::id.ne(id));
    }
    Ok(q.first::<Uuid>(conn).optional()?.is_some())
}

pub fn insert(conn: &mut PgConnection, values: &SupplierValues) -> Result<SupplierRow, AppError> {
    Ok(diesel::insert_into(suppliers::table)
        .values((suppliers::id.eq(Uuid::now_v7()), values))
        .returning(SupplierRow::as_returning())
        .get_result(conn)?)
}

pub fn update(conn: &mut PgConnection, id: Uuid, values: &SupplierValues) -> Result<SupplierRow, AppError> {
    Ok(diesel::update(suppliers::table.find(id))
        .set((
            values,
            suppliers::version.eq(suppliers::version + 1),
            suppliers::updated_at.eq(Utc::now()),
        ))
        .returning(SupplierRow::as_returning())
        .get_result(conn)?)
}

pub fn deactivate(conn: &mut PgConnection, id: Uuid) -> Result<SupplierRow, AppError> {
    Ok(diesel::update(suppliers::table.find(id))
        .set((
            suppliers::active.eq(false),
            suppliers::version.eq(suppliers::version + 1),
            suppliers::updated_at.eq(Utc::now()),
        ))
        .returning(SupplierRow::as_returning())
        .get_result(conn)?)
}
