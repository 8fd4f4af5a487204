//! The one place stock changes: every movement updates its balance and writes its ledger row in
//! the caller's transaction. Stock never goes below zero: an outgoing movement is a conditional
//! UPDATE that only succeeds while enough is available, so concurrent issues serialise on the
//! balance row and the loser sees the shortage instead of a negative balance.

use super::schema::{stock_balances, stock_movements};
use crate::domain::{MovementKind, costing, thresholds};
use diesel::prelude::*;
use diesel::sql_types::{Numeric, Uuid as SqlUuid};
use erp_bus::EventMeta;
use erp_contracts::warehouse::{AdjustedLine, SourceRef, StockAdjusted, ThresholdCrossed};
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One change of stock.
#[derive(Debug, Clone)]
pub struct Move {
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    /// Signed: positive in, negative out.
    pub quantity: Decimal,
    pub kind: MovementKind,
    pub source_line_id: Option<Uuid>,
    /// Cost of incoming stock; `None`: the current average (or the standard cost when there is
    /// no stock). Outgoing stock always leaves at the average.
    pub unit_cost: Option<Decimal>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    pub source_line_id: Option<Uuid>,
    pub quantity: Decimal,
    pub unit_cost: Decimal,
    pub on_hand_after: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shortage {
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    pub source_line_id: Option<Uuid>,
    pub wanted: Decimal,
    pub available: Decimal,
}

#[derive(Debug)]
pub enum StockError {
    Short(Vec<Shortage>),
    App(AppError),
}

impl From<AppError> for StockError {
    fn from(e: AppError) -> Self {
        StockError::App(e)
    }
}

impl From<diesel::result::Error> for StockError {
    fn from(e: diesel::result::Error) -> Self {
        StockError::App(e.into())
    }
}

#[derive(QueryableByName)]
struct BalanceRow {
    #[diesel(sql_type = Numeric)]
    on_hand: Decimal,
    #[diesel(sql_type = Numeric)]
    avg_cost: Decimal,
}

#[derive(QueryableByName)]
struct Available {
    #[diesel(sql_type = Numeric)]
    available: Decimal,
}

fn available(conn: &mut PgConnection, item: Uuid, warehouse: Uuid) -> Result<Decimal, AppError> {
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
fn take(conn: &mut PgConnection, item: Uuid, warehouse: Uuid, qty: Decimal) -> Result<Option<BalanceRow>, AppError> {
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

/// Puts `qty` (positive) in at `cost`, blending the average; returns (on hand after, cost used).
fn put(
    conn: &mut PgConnection,
    item: Uuid,
    warehouse: Uuid,
    qty: Decimal,
    cost: Option<Decimal>,
    standard_cost: Decimal,
) -> Result<(Decimal, Decimal), AppError> {
    diesel::insert_into(stock_balances::table)
        .values((
            stock_balances::item_id.eq(item),
            stock_balances::warehouse_id.eq(warehouse),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    let (on_hand, avg): (Decimal, Decimal) = stock_balances::table
        .find((item, warehouse))
        .select((stock_balances::on_hand, stock_balances::avg_cost))
        .for_update()
        .first(conn)?;
    let cost = cost.unwrap_or(if on_hand > Decimal::ZERO { avg } else { standard_cost });
    let new_avg = costing::average_after_receipt(on_hand, avg, qty, cost);
    let after = on_hand + qty;
    diesel::update(stock_balances::table.find((item, warehouse)))
        .set((
            stock_balances::on_hand.eq(after),
            stock_balances::avg_cost.eq(new_avg),
            stock_balances::last_movement_at.eq(chrono::Utc::now()),
        ))
        .execute(conn)?;
    Ok((after, cost))
}

/// Applies `moves` all or nothing (inside a savepoint, so a shortage leaves the caller's
/// transaction usable for recording it), writes the ledger, and publishes min/max crossings.
pub fn apply(
    conn: &mut PgConnection,
    moves: &[Move],
    source: &SourceRef,
    actor: &str,
    meta: &EventMeta,
) -> Result<Vec<Applied>, StockError> {
    let applied = apply_quiet(conn, moves, source, actor)?;
    publish_crossings(conn, &applied, meta)?;
    Ok(applied)
}

/// [`apply`] without the min/max alerts, for a document made of several applications (a
/// transfer: out, then in) that alerts once on its net change.
pub fn apply_quiet(
    conn: &mut PgConnection,
    moves: &[Move],
    source: &SourceRef,
    actor: &str,
) -> Result<Vec<Applied>, StockError> {
    conn.transaction::<_, StockError, _>(|c| apply_inner(c, moves, source, actor))
}

/// Publishes `warehouse.stock.threshold_crossed` for each item whose total stock moved into
/// another band through `applied`.
pub fn publish_crossings(conn: &mut PgConnection, applied: &[Applied], meta: &EventMeta) -> Result<(), AppError> {
    let mut delta_by_item: BTreeMap<Uuid, Decimal> = BTreeMap::new();
    for a in applied {
        *delta_by_item.entry(a.item_id).or_default() += a.quantity;
    }
    let ids: Vec<Uuid> = delta_by_item.keys().copied().collect();
    let catalogue = super::items_by_id(conn, &ids)?;
    for (item_id, delta) in delta_by_item {
        if let Some(item) = catalogue.get(&item_id) {
            publish_crossing(conn, item, delta, meta)?;
        }
    }
    Ok(())
}

fn apply_inner(
    conn: &mut PgConnection,
    moves: &[Move],
    source: &SourceRef,
    actor: &str,
) -> Result<Vec<Applied>, StockError> {
    // Balance rows are locked in one global order, so two documents never wait on each other
    // in a circle.
    let mut order: Vec<usize> = (0..moves.len()).collect();
    order.sort_by_key(|i| (moves[*i].item_id, moves[*i].warehouse_id));
    let item_ids: Vec<Uuid> = moves.iter().map(|m| m.item_id).collect();
    let catalogue = super::items_by_id(conn, &item_ids)?;
    let mut applied: Vec<Option<Applied>> = vec![None; moves.len()];
    let mut shortages = Vec::new();
    for i in order {
        let m = &moves[i];
        let item = catalogue
            .get(&m.item_id)
            .ok_or_else(|| AppError::validation("item_id", format!("no such item {}", m.item_id)))?;
        let (on_hand_after, unit_cost) = if m.quantity < Decimal::ZERO {
            let wanted = -m.quantity;
            match take(conn, m.item_id, m.warehouse_id, wanted)? {
                Some(row) => (row.on_hand, row.avg_cost),
                None => {
                    shortages.push(Shortage {
                        item_id: m.item_id,
                        warehouse_id: m.warehouse_id,
                        source_line_id: m.source_line_id,
                        wanted,
                        available: available(conn, m.item_id, m.warehouse_id)?,
                    });
                    continue;
                }
            }
        } else {
            put(
                conn,
                m.item_id,
                m.warehouse_id,
                m.quantity,
                m.unit_cost,
                item.standard_cost,
            )?
        };
        diesel::insert_into(stock_movements::table)
            .values((
                stock_movements::id.eq(Uuid::now_v7()),
                stock_movements::item_id.eq(m.item_id),
                stock_movements::warehouse_id.eq(m.warehouse_id),
                stock_movements::quantity.eq(m.quantity),
                stock_movements::kind.eq(m.kind.as_str()),
                stock_movements::source_kind.eq(&source.kind),
                stock_movements::source_id.eq(source.id),
                stock_movements::source_number.eq(&source.number),
                stock_movements::source_line_id.eq(m.source_line_id),
                stock_movements::unit_cost.eq(unit_cost),
                stock_movements::on_hand_after.eq(on_hand_after),
                stock_movements::reason.eq(&m.reason),
                stock_movements::created_by.eq(actor),
            ))
            .execute(conn)?;
        applied[i] = Some(Applied {
            item_id: m.item_id,
            warehouse_id: m.warehouse_id,
            source_line_id: m.source_line_id,
            quantity: m.quantity,
            unit_cost,
            on_hand_after,
        });
    }
    if !shortages.is_empty() {
        return Err(StockError::Short(shortages));
    }
    Ok(applied.into_iter().flatten().collect())
}

/// Publishes `warehouse.stock.adjusted` for an adjustment or an approved count (finance books
/// the surplus or shortage); nothing when nothing moved.
pub fn publish_adjusted(
    conn: &mut PgConnection,
    applied: &[Applied],
    source: &SourceRef,
    reason: &str,
    meta: &EventMeta,
) -> Result<(), AppError> {
    let Some(first) = applied.first() else {
        return Ok(());
    };
    erp_bus::enqueue(
        conn,
        meta,
        &StockAdjusted {
            source: source.clone(),
            warehouse_id: first.warehouse_id,
            reason: reason.to_owned(),
            lines: applied
                .iter()
                .map(|a| AdjustedLine {
                    item_id: a.item_id,
                    quantity: a.quantity,
                    unit_cost: a.unit_cost,
                })
                .collect(),
        },
    )?;
    Ok(())
}

fn publish_crossing(
    conn: &mut PgConnection,
    item: &super::Item,
    delta: Decimal,
    meta: &EventMeta,
) -> Result<(), AppError> {
    if item.min_stock.is_none() && item.max_stock.is_none() {
        return Ok(());
    }
    let after = total_on_hand(conn, item.id)?;
    let before = after - delta;
    if let Some(band) = thresholds::crossing(before, after, item.min_stock, item.max_stock) {
        erp_bus::enqueue(
            conn,
            meta,
            &ThresholdCrossed {
                item_id: item.id,
                sku: item.sku.clone(),
                name: item.name.clone(),
                on_hand: after,
                min_stock: item.min_stock,
                max_stock: item.max_stock,
                state: band.as_str().to_owned(),
            },
        )?;
    }
    Ok(())
}

pub fn total_on_hand(conn: &mut PgConnection, item_id: Uuid) -> Result<Decimal, AppError> {
    let total: Option<Decimal> = stock_balances::table
        .filter(stock_balances::item_id.eq(item_id))
        .select(diesel::dsl::sum(stock_balances::on_hand))
        .first(conn)?;
    Ok(total.unwrap_or(Decimal::ZERO))
}

/// A balance that differs from the sum of its ledger rows (should never exist).
#[derive(Debug, Clone, PartialEq, QueryableByName, serde::Serialize, utoipa::ToSchema)]
pub struct LedgerMismatch {
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub warehouse_id: Uuid,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub balance: Decimal,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
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
