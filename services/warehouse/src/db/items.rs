//! The item master.

use super::schema::items;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub specification: Option<String>,
    pub unit: String,
    pub kind: String,
    pub category: Option<String>,
    pub min_stock: Option<Decimal>,
    pub max_stock: Option<Decimal>,
    pub standard_cost: Decimal,
    pub active: bool,
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An item's values as written by a create or an update.
pub struct ItemValues {
    pub sku: String,
    pub name: String,
    pub specification: Option<String>,
    pub unit: String,
    pub kind: &'static str,
    pub category: Option<String>,
    pub min_stock: Option<Decimal>,
    pub max_stock: Option<Decimal>,
    pub standard_cost: Decimal,
    pub search_text: String,
}

/// What a list of items is filtered by.
pub struct ItemFilter {
    /// A LIKE pattern on the folded search text.
    pub search: Option<String>,
    pub kind: Option<&'static str>,
    pub category: Option<String>,
    pub active: Option<bool>,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<Item>, AppError> {
    Ok(items::table.find(id).select(Item::as_select()).first(conn).optional()?)
}

/// The item, locked for the rest of the transaction.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<Item>, AppError> {
    Ok(items::table
        .find(id)
        .select(Item::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

/// The item's version, its row locked for the rest of the transaction.
pub fn lock_version(conn: &mut PgConnection, id: Uuid) -> Result<Option<i64>, AppError> {
    Ok(items::table
        .find(id)
        .select(items::version)
        .for_update()
        .first::<i64>(conn)
        .optional()?)
}

/// Items by id, for validating document lines in one query.
pub fn by_ids(conn: &mut PgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, Item>, AppError> {
    Ok(items::table
        .filter(items::id.eq_any(ids))
        .select(Item::as_select())
        .load::<Item>(conn)?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

/// Up to `fetch` items in id order after `cursor`.
pub fn list(
    conn: &mut PgConnection,
    filter: &ItemFilter,
    fetch: i64,
    cursor: Option<Uuid>,
) -> Result<Vec<Item>, AppError> {
    let mut sql = items::table
        .select(Item::as_select())
        .order(items::id)
        .limit(fetch)
        .into_boxed();
    if let Some(pattern) = &filter.search {
        sql = sql.filter(items::search_text.like(pattern.clone()));
    }
    if let Some(kind) = filter.kind {
        sql = sql.filter(items::kind.eq(kind));
    }
    if let Some(cat) = &filter.category {
        sql = sql.filter(items::category.eq(cat.clone()));
    }
    if let Some(a) = filter.active {
        sql = sql.filter(items::active.eq(a));
    }
    if let Some(after) = cursor {
        sql = sql.filter(items::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

pub fn insert(conn: &mut PgConnection, id: Uuid, it: &ItemValues) -> Result<Item, AppError> {
    Ok(diesel::insert_into(items::table)
        .values((
            items::id.eq(id),
            items::sku.eq(&it.sku),
            items::name.eq(&it.name),
            items::specification.eq(&it.specification),
            items::unit.eq(&it.unit),
            items::kind.eq(it.kind),
            items::category.eq(&it.category),
            items::min_stock.eq(it.min_stock),
            items::max_stock.eq(it.max_stock),
            items::standard_cost.eq(it.standard_cost),
            items::search_text.eq(&it.search_text),
        ))
        .returning(Item::as_returning())
        .get_result(conn)?)
}

/// Writes every value and moves to the next version.
pub fn update(conn: &mut PgConnection, id: Uuid, it: &ItemValues) -> Result<Item, AppError> {
    Ok(diesel::update(items::table.find(id))
        .set((
            items::sku.eq(&it.sku),
            items::name.eq(&it.name),
            items::specification.eq(&it.specification),
            items::unit.eq(&it.unit),
            items::kind.eq(it.kind),
            items::category.eq(&it.category),
            items::min_stock.eq(it.min_stock),
            items::max_stock.eq(it.max_stock),
            items::standard_cost.eq(it.standard_cost),
            items::search_text.eq(&it.search_text),
            items::version.eq(items::version + 1),
            items::updated_at.eq(Utc::now()),
        ))
        .returning(Item::as_returning())
        .get_result(conn)?)
}

pub fn set_active(conn: &mut PgConnection, id: Uuid, active: bool) -> Result<Item, AppError> {
    Ok(diesel::update(items::table.find(id))
        .set((
            items::active.eq(active),
            items::version.eq(items::version + 1),
            items::updated_at.eq(Utc::now()),
        ))
        .returning(Item::as_returning())
        .get_result(conn)?)
}
