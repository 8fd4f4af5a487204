//! Balances and the ledger: the statements the stock engine (app/stock) runs, in the order it
//! runs them. An outgoing movement is a conditional UPDATE that only succeeds while enough is
//! available, so concurrent issues serialise on the balance row and the loser sees the shortage
//! instead of a negative balance.

use super::schema::{stock_balances, stock_movements};
use crate::domain::MovementKind;
use diesel::prelude::*;
use diesel::sql_types::{Numeric, Uuid as SqlUuid};
use erp_contracts::warehouse::SourceRef;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

/// A balance after an issue.
#[derive(QueryableByName)]
pub struct BalanceAfter {
    #[diesel(sql_type = Numeric)]
    pub on_hand: Decimal,
    #[diesel(sql_type = Numeric)]
    pub avg_cost: Decimal,
}

#[derive(QueryableByName)]
struct Available {
    #[diesel(sql_type = Numeric)]
    available: Decimal,
}

/// On hand minus reserved (zero when the item never moved there).
pub fn available(conn: &mut PgConnection, item: Uuid, warehouse: Uuid) -> Result<Decimal, AppError> {
    let row: Option<Available> = diesel::sql_query(
        "SELECT on_hand - reserved AS available FROM stock_balances WHERE item_id = $1 AND warehouse_id = $2",
    )
    .bind::<SqlUuid, _>(item)
    .bind::<SqlUuid, _>(warehouse)
    .get_result(conn)
    .optional()?;
    Ok(row.map(|r| r.available).unwrap_or(Decimal::ZERO))
}

/// Takes `qty` (positive) out if available; `None` when not enough is.
pub fn take(
    conn: &mut PgConnection,
    item: Uuid,
    warehouse: Uuid,
    qty: Decimal,
) -> Result<Option<BalanceAfter>, AppError> {
    Ok(diesel::sql_query(
        "UPDATE stock_balances SET on_hand = on_hand - $3, last_movement_at = now() \
         WHERE item_id = $1 AND warehouse_id = $2 AND on_hand - reserved >= $3 \
         RETURNING on_hand, avg_cost",
    )
    .bind::<SqlUuid, _>(item)
    .bind::<SqlUuid, _>(warehouse)
    .bind::<Numeric, _>(qty)
    .get_result(conn)
    .optional()?)
}

/// The balance a receipt goes into, created when missing and locked: (on hand, average cost).
pub fn lock_for_receipt(conn: &mut PgConnection, item: Uuid, warehouse: Uuid) -> Result<(Decimal, Decimal), AppError> {
    diesel::insert_into(stock_balances::table)
        .values((
            stock_balances::item_id.eq(item),
            stock_balances::warehouse_id.eq(warehouse),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(stock_balances::table
        .find((item, warehouse))
        .select((stock_balances::on_hand, stock_balances::avg_cost))
        .for_update()
        .first(conn)?)
}

/// Writes a locked balance after a receipt.
pub fn set_received(
    conn: &mut PgConnection,
    item: Uuid,
    warehouse: Uuid,
    on_hand: Decimal,
    avg_cost: Decimal,
) -> Result<(), AppError> {
    diesel::update(stock_balances::table.find((item, warehouse)))
        .set((
            stock_balances::on_hand.eq(on_hand),
            stock_balances::avg_cost.eq(avg_cost),
            stock_balances::last_movement_at.eq(chrono::Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One ledger row to write.
pub struct NewMovement<'a> {
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    pub quantity: Decimal,
    pub kind: MovementKind,
    pub source: &'a SourceRef,
    pub source_line_id: Option<Uuid>,
    pub unit_cost: Decimal,
    pub on_hand_after: Decimal,
    pub reason: Option<&'a str>,
    pub created_by: &'a str,
}

pub fn insert_movement(conn: &mut PgConnection, m: &NewMovement<'_>) -> Result<(), AppError> {
    diesel::insert_into(stock_movements::table)
        .values((
            stock_movements::id.eq(Uuid::now_v7()),
            stock_movements::item_id.eq(m.item_id),
            stock_movements::warehouse_id.eq(m.warehouse_id),
            stock_movements::quantity.eq(m.quantity),
            stock_movements::kind.eq(m.kind),
            stock_movements::source_kind.eq(&m.source.kind),
            stock_movements::source_id.eq(m.source.id),
            stock_movements::source_number.eq(&m.source.number),
            stock_movements::source_line_id.eq(m.source_line_id),
            stock_movements::unit_cost.eq(m.unit_cost),
            stock_movements::on_hand_after.eq(m.on_hand_after),
            stock_movements::reason.eq(m.reason),
            stock_movements::created_by.eq(m.created_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// The item's stock over every warehouse.
pub fn total_on_hand(conn: &mut PgConnection, item_id: Uuid) -> Result<Decimal, AppError> {
    let total: Option<Decimal> = stock_balances::table
        .filter(stock_balances::item_id.eq(item_id))
        .select(diesel::dsl::sum(stock_balances::on_hand))
        .first(conn)?;
    Ok(total.unwrap_or(Decimal::ZERO))
}

/// Current stock of one item in one warehouse (zero when never moved).
pub fn on_hand(conn: &mut PgConnection, item: Uuid, warehouse: Uuid) -> Result<Decimal, AppError> {
    Ok(stock_balances::table
        .find((item, warehouse))
        .select(stock_balances::on_hand)
        .first::<Decimal>(conn)
        .optional()?
        .unwrap_or(Decimal::ZERO))
}

/// The moving average of stock on hand, or `None` when there is none.
pub fn average_cost(conn: &mut PgConnection, item: Uuid, warehouse: Uuid) -> Result<Option<Decimal>, AppError> {
    Ok(stock_balances::table
        .find((item, warehouse))
        .filter(stock_balances::on_hand.gt(Decimal::ZERO))
        .select(stock_balances::avg_cost)
        .first::<Decimal>(conn)
        .optional()?)
}

/// The items with stock in a warehouse.
pub fn items_in_stock(conn: &mut PgConnection, warehouse: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(stock_balances::table
        .filter(stock_balances::warehouse_id.eq(warehouse))
        .filter(stock_balances::on_hand.gt(Decimal::ZERO))
        .select(stock_balances::item_id)
        .load(conn)?)
}

/// (on hand, average cost) of `items` in a warehouse, for those that ever moved there.
pub fn balances_of(
    conn: &mut PgConnection,
    warehouse: Uuid,
    items: &[Uuid],
) -> Result<HashMap<Uuid, (Decimal, Decimal)>, AppError> {
    Ok(stock_balances::table
        .filter(stock_balances::warehouse_id.eq(warehouse))
        .filter(stock_balances::item_id.eq_any(items))
        .select((
            stock_balances::item_id,
            stock_balances::on_hand,
            stock_balances::avg_cost,
        ))
        .load::<(Uuid, Decimal, Decimal)>(conn)?
        .into_iter()
        .map(|(i, q, a)| (i, (q, a)))
        .collect())
}

/// A balance that differs from the sum of its ledger rows (should never exist).
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct LedgerMismatch {
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub warehouse_id: Uuid,
    #[diesel(sql_type = Numeric)]
    pub balance: Decimal,
    #[diesel(sql_type = Numeric)]
    pub ledger: Decimal,
}

/// Balances rebuilt from the ledger, compared with the stored ones.
pub fn ledger_mismatches(conn: &mut PgConnection) -> Result<Vec<LedgerMismatch>, AppError> {
    Ok(diesel::sql_query(
        "SELECT coalesce(b.item_id, l.item_id) AS item_id, coalesce(b.warehouse_id, l.warehouse_id) AS warehouse_id, \
                coalesce(b.on_hand, 0) AS balance, coalesce(l.total, 0) AS ledger \
         FROM stock_balances b \
         FULL JOIN (SELECT item_id, warehouse_id, sum(quantity) AS total FROM stock_movements \
                    GROUP BY item_id, warehouse_id) l \
           ON l.item_id = b.item_id AND l.warehouse_id = b.warehouse_id \
         WHERE coalesce(b.on_hand, 0) <> coalesce(l.total, 0)",
    )
    .load(conn)?)
}

/// Sets every balance to the sum of its ledger rows (a balance without rows goes to zero).
pub fn rebuild_balances(conn: &mut PgConnection) -> Result<usize, AppError> {
    Ok(diesel::sql_query(
        "UPDATE stock_balances b SET on_hand = coalesce(l.total, 0) \
         FROM stock_balances x LEFT JOIN (SELECT item_id, warehouse_id, sum(quantity) AS total FROM stock_movements \
                    GROUP BY item_id, warehouse_id) l ON l.item_id = x.item_id AND l.warehouse_id = x.warehouse_id \
         WHERE x.item_id = b.item_id AND x.warehouse_id = b.warehouse_id AND b.on_hand <> coalesce(l.total, 0)",
    )
    .execute(conn)?)
}
