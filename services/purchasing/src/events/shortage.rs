//! `warehouse.stock.shortage`: an outbound line lacked stock (seed 001 §2: 出库不足转采购申请).
//! Each shortage becomes one draft purchase request for the missing quantity, for a purchaser to
//! complete and submit. The note line is the key: a redelivered envelope is dropped by the inbox,
//! and a shortage published again for the same note line (a new envelope) makes nothing new.

use crate::api::requests::{NewLine, NewRequest, insert_request};
use crate::db::schema::purchase_requests;
use diesel::prelude::*;
use diesel::sql_types::Text;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::warehouse::StockShortage;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::json;
use uuid::Uuid;

/// Who the requests made from shortages are requested by.
pub const REQUESTED_BY: &str = "service:warehouse";

/// The `source_key` of the request made from a shortage of one outbound note line.
pub fn source_key(note_line_id: Uuid) -> String {
    format!("warehouse.stock_shortage:{note_line_id}")
}

pub fn stock_shortage(conn: &mut PgConnection, env: &Envelope, e: StockShortage) -> Result<(), HandlerError> {
    // Request lines hold 4 decimals; never ask for less than is missing.
    let quantity = e
        .quantity_missing
        .round_dp_with_strategy(4, RoundingStrategy::AwayFromZero);
    if quantity <= Decimal::ZERO {
        tracing::warn!(event = %env.id, line = %e.note_line_id, "stock shortage without a missing quantity; ignored");
        return Ok(());
    }
    let key = source_key(e.note_line_id);
    // Two deliveries of the same shortage (different envelopes) wait for each other here.
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
        .bind::<Text, _>(&key)
        .execute(conn)?;
    let known: bool = diesel::select(diesel::dsl::exists(
        purchase_requests::table.filter(purchase_requests::source_key.eq(&key)),
    ))
    .get_result(conn)?;
    if known {
        tracing::info!(event = %env.id, line = %e.note_line_id, "shortage already has its purchase request");
        return Ok(());
    }
    let note = match &e.source.number {
        Some(n) => format!("Stock shortage of {} for {} ({})", e.sku, n, e.source.kind),
        None => format!("Stock shortage of {} ({})", e.sku, e.source.kind),
    };
    let request = NewRequest {
        source: "stock_shortage".into(),
        source_key: Some(key),
        source_ref: json!({
            "note_id": e.note_id,
            "note_line_id": e.note_line_id,
            "warehouse_id": e.warehouse_id,
            "item_id": e.item_id,
            "sku": e.sku,
            "quantity_missing": e.quantity_missing,
            "source": {"kind": e.source.kind, "id": e.source.id, "number": e.source.number},
            "event_id": env.id,
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
    insert_request(conn, &request, &[line])?;
    Ok(())
}
