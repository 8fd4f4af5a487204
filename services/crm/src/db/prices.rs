//! The price list: a list price and a floor price per item and currency.

use super::schema::price_list;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = price_list)]
pub struct Price {
    pub item_id: Uuid,
    pub currency: String,
    pub list_price: Decimal,
    pub floor_price: Decimal,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The prices of `ids` in `currency`, by item.
pub fn prices(conn: &mut PgConnection, ids: &[Uuid], currency: &str) -> Result<HashMap<Uuid, Price>, AppError> {
    Ok(price_list::table
        .filter(price_list::item_id.eq_any(ids))
        .filter(price_list::currency.eq(currency))
        .select(Price::as_select())
        .load::<Price>(conn)?
        .into_iter()
        .map(|p| (p.item_id, p))
        .collect())
}

/// The list's entries (at most 5000), by item and currency, narrowed to an item or a currency.
pub fn list(conn: &mut PgConnection, item_id: Option<Uuid>, currency: Option<&str>) -> Result<Vec<Price>, AppError> {
    let mut sql = price_list::table
        .select(Price::as_select())
        .order((price_list::item_id, price_list::currency))
        .limit(5000)
        .into_boxed();
    if let Some(i) = item_id {
        sql = sql.filter(price_list::item_id.eq(i));
    }
    if let Some(cur) = currency {
        sql = sql.filter(price_list::currency.eq(cur));
    }
    Ok(sql.load(conn)?)
}

/// The version of the item's price in `currency`, locked for the transaction; none when unpriced.
pub fn lock_version(conn: &mut PgConnection, item_id: Uuid, currency: &str) -> Result<Option<i64>, AppError> {
    Ok(price_list::table
        .find((item_id, currency))
        .select(price_list::version)
        .for_update()
        .first(conn)
        .optional()?)
}

/// Writes the item's prices in `currency`: a new entry, or the next version of the existing one.
pub fn upsert(
    conn: &mut PgConnection,
    item_id: Uuid,
    currency: &str,
    list_price: Decimal,
    floor_price: Decimal,
    updated_by: &str,
) -> Result<Price, AppError> {
    Ok(diesel::insert_into(price_list::table)
        .values((
            price_list::item_id.eq(item_id),
            price_list::currency.eq(currency),
            price_list::list_price.eq(list_price),
            price_list::floor_price.eq(floor_price),
            price_list::updated_by.eq(updated_by),
        ))
        .on_conflict((price_list::item_id, price_list::currency))
        .do_update()
        .set((
            price_list::list_price.eq(list_price),
            price_list::floor_price.eq(floor_price),
            price_list::version.eq(price_list::version + 1),
            price_list::updated_by.eq(updated_by),
            price_list::updated_at.eq(Utc::now()),
        ))
        .returning(Price::as_returning())
        .get_result(conn)?)
}
