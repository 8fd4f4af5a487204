//! Reading stock: balances, the ledger, the ledger check and rebuild, stale stock.

use crate::db::documents::{self, Movement};
use crate::db::reports::{self, BalanceRow, StaleRow};
use crate::db::stock::{self, LedgerMismatch};
use diesel::PgConnection;
use erp_db::{Page, Paging};
use erp_problem::AppError;
use uuid::Uuid;

/// Stock per item and warehouse; `below_min`: only items whose total is below their minimum.
pub fn balances(
    conn: &mut PgConnection,
    item_id: Option<Uuid>,
    warehouse_id: Option<Uuid>,
    below_min: bool,
) -> Result<Vec<BalanceRow>, AppError> {
    reports::balances(conn, item_id, warehouse_id, below_min)
}

/// The stock ledger, oldest first, keyed by `seq`.
pub fn movements(
    conn: &mut PgConnection,
    item_id: Option<Uuid>,
    warehouse_id: Option<Uuid>,
    paging: Paging<i64>,
) -> Result<Page<Movement, i64>, AppError> {
    let rows = documents::list_movements(conn, item_id, warehouse_id, paging.fetch(), paging.cursor)?;
    Ok(Page::from_rows(rows, paging.limit, |m| m.seq))
}

/// Balances that differ from the sum of their ledger rows.
pub fn ledger_mismatches(conn: &mut PgConnection) -> Result<Vec<LedgerMismatch>, AppError> {
    stock::ledger_mismatches(conn)
}

/// Sets every balance to the sum of its ledger rows; returns how many were corrected and the
/// differences found before.
pub fn rebuild_balances(conn: &mut PgConnection) -> Result<(usize, Vec<LedgerMismatch>), AppError> {
    let before = stock::ledger_mismatches(conn)?;
    Ok((stock::rebuild_balances(conn)?, before))
}

/// Stock that has not moved for `days` (1 to 36500).
pub fn stale_stock(conn: &mut PgConnection, days: i32) -> Result<Vec<StaleRow>, AppError> {
    reports::stale_stock(conn, days)
}
