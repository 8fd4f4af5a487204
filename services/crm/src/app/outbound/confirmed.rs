//! The warehouse's answers to crm's outbound requests: `warehouse.outbound.confirmed` adds what
//! left the warehouse to the order lines' `issued` (never above `requested`) and keeps the cost;
//! a final confirmation without lines means the warehouse cancelled the rest of the note, so
//! what stayed open is no longer requested and may be requested again.

use crate::db::order_fulfilment::{add_issued, lock_order, release_requested};
use crate::db::outbound as rows;
use crate::domain::fulfilment::OutboundStatus;
use diesel::PgConnection;
use erp_contracts::warehouse::OutboundConfirmed;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The `source.kind` of notes made from crm's outbound requests.
pub const SOURCE_KIND: &str = "crm.outbound_request";

/// Applies a confirmation of the note made from one of crm's requests; others, and ones for
/// unknown requests or lines, are ignored (logged with `event`).
pub fn outbound_confirmed(c: &mut PgConnection, event: Uuid, e: &OutboundConfirmed) -> Result<(), AppError> {
    if e.source.kind != SOURCE_KIND {
        return Ok(());
    }
    let Some(request) = rows::find(c, e.source.id)? else {
        tracing::warn!(event = %event, request = %e.source.id, "outbound confirmation for an unknown request; ignored");
        return Ok(());
    };
    // The order first, as every request handler does: one lock order, no deadlocks.
    lock_order(c, request.order_id)?;
    let mut lines = rows::lock_lines(c, request.id)?;
    for issued in &e.lines {
        let Some(rl) = issued
            .source_line_id
            .and_then(|sid| lines.iter_mut().find(|l| l.id == sid))
        else {
            tracing::warn!(event = %event, line = %issued.line_id, "issued line matches no request line; ignored");
            continue;
        };
        let add = issued.quantity.min(rl.open_quantity());
        if add <= Decimal::ZERO {
            continue;
        }
        rl.issued += add;
        rl.issued_cost += (add * issued.unit_cost).round_dp(4);
        rows::update_line(c, rl)?;
        add_issued(c, rl.order_line_id, add)?;
    }
    let reported = OutboundStatus::parse(&e.status).ok();
    if e.lines.is_empty() && reported.is_some_and(OutboundStatus::closes_the_rest) {
        for rl in lines.iter_mut().filter(|l| l.open_quantity() > Decimal::ZERO) {
            let open = rl.open_quantity();
            rl.cancelled += open;
            rows::update_line(c, rl)?;
            release_requested(c, rl.order_line_id, open)?;
        }
    }
    rows::set_reported(
        c,
        request.id,
        reported.unwrap_or(request.status),
        e.note_id,
        &e.note_number,
    )
}
