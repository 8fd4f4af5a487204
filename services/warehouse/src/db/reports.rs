//! Read-only reports over balances: stock per item and warehouse, and stale stock.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid};
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, QueryableByName)]
pub struct BalanceRow {
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub unit: String,
    #[diesel(sql_type = SqlUuid)]
    pub warehouse_id: Uuid,
    #[diesel(sql_type = Text)]
    pub warehouse_code: String,
    #[diesel(sql_type = Numeric)]
    pub on_hand: Decimal,
    #[diesel(sql_type = Numeric)]
    pub reserved: Decimal,
    #[diesel(sql_type = Numeric)]
    pub available: Decimal,
    #[diesel(sql_type = Numeric)]
    pub avg_cost: Decimal,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub min_stock: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub max_stock: Option<Decimal>,
    #[diesel(sql_type = Timestamptz)]
    pub last_movement_at: DateTime<Utc>,
}

/// Stock per item and warehouse, optionally of one item and/or warehouse, or only items whose
/// total is below their minimum.
pub fn balances(
    conn: &mut PgConnection,
    item_id: Option<Uuid>,
    warehouse_id: Option<Uuid>,
    below_min: bool,
) -> Result<Vec<BalanceRow>, AppError> {
    Ok(diesel::sql_query(
        "SELECT b.item_id, i.sku, i.name, i.unit, b.warehouse_id, w.code AS warehouse_code, b.on_hand, b.reserved, \
                b.on_hand - b.reserved AS available, b.avg_cost, i.min_stock, i.max_stock, b.last_movement_at \
         FROM stock_balances b JOIN items i ON i.id = b.item_id JOIN warehouses w ON w.id = b.warehouse_id \
         WHERE ($1::uuid IS NULL OR b.item_id = $1) AND ($2::uuid IS NULL OR b.warehouse_id = $2) \
           AND (NOT $3 OR (i.min_stock IS NOT NULL AND \
                (SELECT sum(t.on_hand) FROM stock_balances t WHERE t.item_id = b.item_id) < i.min_stock)) \
         ORDER BY i.sku, w.code LIMIT 5000",
    )
    .bind::<Nullable<SqlUuid>, _>(item_id)
    .bind::<Nullable<SqlUuid>, _>(warehouse_id)
    .bind::<Bool, _>(below_min)
    .load::<BalanceRow>(conn)?)
}

#[derive(Debug, QueryableByName)]
pub struct StaleRow {
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = SqlUuid)]
    pub warehouse_id: Uuid,
    #[diesel(sql_type = Text)]
    pub warehouse_code: String,
    #[diesel(sql_type = Numeric)]
    pub on_hand: Decimal,
    #[diesel(sql_type = Numeric)]
    pub value: Decimal,
    #[diesel(sql_type = Timestamptz)]
    pub last_movement_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub days_without_movement: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub purchased_by: Option<String>,
}

/// Stock that has not moved for `days`, oldest first, with who asked for its last purchase.
pub fn stale_stock(conn: &mut PgConnection, days: i32) -> Result<Vec<StaleRow>, AppError> {
    Ok(diesel::sql_query(
        "SELECT b.item_id, i.sku, i.name, b.warehouse_id, w.code AS warehouse_code, b.on_hand, \
                round(b.on_hand * b.avg_cost, 4) AS value, b.last_movement_at, \
                extract(day FROM now() - b.last_movement_at)::bigint AS days_without_movement, \
                (SELECT n.requested_by FROM stock_movements m JOIN inbound_notes n ON n.id = m.source_id \
                  WHERE m.item_id = b.item_id AND m.warehouse_id = b.warehouse_id AND m.kind = 'purchase_receipt' \
                  ORDER BY m.seq DESC LIMIT 1) AS purchased_by \
         FROM stock_balances b JOIN items i ON i.id = b.item_id JOIN warehouses w ON w.id = b.warehouse_id \
         WHERE b.on_hand > 0 AND b.last_movement_at < now() - make_interval(days => $1) \
         ORDER BY b.last_movement_at LIMIT 5000",
    )
    .bind::<Integer, _>(days)
    .load::<StaleRow>(conn)?)
}
