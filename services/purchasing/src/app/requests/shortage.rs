//! `warehouse.stock.shortage`: an outbound line lacked stock (seed 001 §2: 出库不足转采购申请).
//! Each shortage becomes one draft purchase request for the missing quantity, for a purchaser to
//! complete and submit. The note line is the key: a shortage published again for the same note
//! line makes nothing new.

use super::{Draft, insert_draft};
use crate::db::requests::{self as db, NewLine};
use crate::domain::requests::STOCK_SHORTAGE;
use diesel::PgConnection;
use erp_contracts::warehouse::StockShortage;
use erp_problem::AppError;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::json;
use uuid::Uuid;

/// Who the requests made from shortages are requested by.
pub const REQUESTED_BY: &str = "service:warehouse";

/// The `source_key` of the request made from a shortage of one outbound note line.
pub fn source_key(note_line_id: Uuid) -> String {
    format!("warehouse.stock_shortage:{note_line_id}")
}

/// Makes the draft request of a shortage (event `event_id`), unless its note line has one.
/// Returns the new request's id.
pub fn from_shortage(c: &mut PgConnection, event_id: Uuid, e: &StockShortage) -> Result<Option<Uuid>, AppError> {
    // Request lines hold 4 decimals; never ask for less than is missing.
    let quantity = e
        .quantity_missing
        .round_dp_with_strategy(4, RoundingStrategy::AwayFromZero);
    if quantity <= Decimal::ZERO {
        tracing::warn!(event = %event_id, line = %e.note_line_id, "stock shortage without a missing quantity; ignored");
        return Ok(None);
    }
    let key = source_key(e.note_line_id);
    // Two deliveries of the same shortage (different envelopes) wait for each other here.
    db::lock_source_key(c, &key)?;
    if db::source_key_known(c, &key)? {
        tracing::info!(event = %event_id, line = %e.note_line_id, "shortage already has its purchase request");
        return Ok(None);
    }
    let note = match &e.source.number {
        Some(n) => format!("Stock shortage of {} for {} ({})", e.sku, n, e.source.kind),
        None => format!("Stock shortage of {} ({})", e.sku, e.source.kind),
    };
    let draft = Draft {
        source: STOCK_SHORTAGE.into(),
        source_key: Some(key),
        source_ref: json!({
            "note_id": e.note_id,
            "note_line_id": e.note_line_id,
            "warehouse_id": e.warehouse_id,
            "item_id": e.item_id,
            "sku": e.sku,
            "quantity_missing": e.quantity_missing,
            "source": {"kind": e.source.kind, "id": e.source.id, "number": e.source.number},
            "event_id": event_id,
        }),
        requested_by: REQUESTED_BY.into(),
        requester_id: None,
        department_id: None,
        needed_by: None,
        note: Some(note),
    };
    let line = NewLine {
        item_id: e.item_id,
        quantity,
        needed_by: None,
        note: None,
    };
    insert_draft(c, draft, &[line]).map(Some)
}
