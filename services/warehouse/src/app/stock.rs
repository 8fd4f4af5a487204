//! The one place stock changes: every movement updates its balance and writes its ledger row in
//! the caller's transaction. Stock never goes below zero: an outgoing movement only succeeds
//! while enough is available (db/stock.rs), so concurrent issues serialise on the balance row
//! and the loser sees the shortage instead of a negative balance.

use crate::db::{items, stock as balances};
use crate::domain::{MovementKind, costing, thresholds};
use diesel::{Connection, PgConnection};
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

/// Puts `qty` (positive) in at `cost`, blending the average; returns (on hand after, cost used).
fn put(
    conn: &mut PgConnection,
    item: Uuid,
    warehouse: Uuid,
    qty: Decimal,
    cost: Option<Decimal>,
    standard_cost: Decimal,
) -> Result<(Decimal, Decimal), AppError> {
    let (on_hand, avg) = balances::lock_for_receipt(conn, item, warehouse)?;
    let cost = cost.unwrap_or(if on_hand > Decimal::ZERO { avg } else { standard_cost });
    let new_avg = costing::average_after_receipt(on_hand, avg, qty, cost);
    let after = on_hand + qty;
    balances::set_received(conn, item, warehouse, after, new_avg)?;
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
    let catalogue = items::by_ids(conn, &ids)?;
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
    let catalogue = items::by_ids(conn, &item_ids)?;
    let mut applied: Vec<Option<Applied>> = vec![None; moves.len()];
    let mut shortages = Vec::new();
    for i in order {
        let m = &moves[i];
        let item = catalogue
            .get(&m.item_id)
            .ok_or_else(|| AppError::validation("item_id", format!("no such item {}", m.item_id)))?;
        let (on_hand_after, unit_cost) = if m.quantity < Decimal::ZERO {
            let wanted = -m.quantity;
            match balances::take(conn, m.item_id, m.warehouse_id, wanted)? {
                Some(row) => (row.on_hand, row.avg_cost),
                None => {
                    shortages.push(Shortage {
                        item_id: m.item_id,
                        warehouse_id: m.warehouse_id,
                        source_line_id: m.source_line_id,
                        wanted,
                        available: balances::available(conn, m.item_id, m.warehouse_id)?,
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
        balances::insert_movement(
            conn,
            &balances::NewMovement {
                item_id: m.item_id,
                warehouse_id: m.warehouse_id,
                quantity: m.quantity,
                kind: m.kind,
                source,
                source_line_id: m.source_line_id,
                unit_cost,
                on_hand_after,
                reason: m.reason.as_deref(),
                created_by: actor,
            },
        )?;
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
    item: &items::Item,
    delta: Decimal,
    meta: &EventMeta,
) -> Result<(), AppError> {
    if item.min_stock.is_none() && item.max_stock.is_none() {
        return Ok(());
    }
    let after = balances::total_on_hand(conn, item.id)?;
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
