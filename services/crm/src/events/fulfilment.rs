//! The warehouse's answers to crm's outbound requests: `warehouse.outbound.confirmed` adds what
//! left the warehouse to the order lines' `issued` (never above `requested`) and keeps the cost;
//! a final confirmation without lines means the warehouse cancelled the rest of the note, so
//! what stayed open is no longer requested and may be requested again. Redeliveries are
//! dropped by the inbox.

use crate::db::fulfilment::{OutboundRequest, OutboundRequestLine, outbound_request_lines, outbound_requests};
use crate::db::schema::{sales_order_lines, sales_orders};
use chrono::Utc;
use diesel::prelude::*;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::warehouse::OutboundConfirmed;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The `source.kind` of notes made from crm's outbound requests.
pub const SOURCE_KIND: &str = "crm.outbound_request";

const NOTE_STATUSES: [&str; 4] = ["open", "partially_issued", "issued", "cancelled"];

pub fn outbound_confirmed(conn: &mut PgConnection, env: &Envelope, e: OutboundConfirmed) -> Result<(), HandlerError> {
    if e.source.kind != SOURCE_KIND {
        return Ok(());
    }
    let Some(request) = outbound_requests::table
        .find(e.source.id)
        .select(OutboundRequest::as_select())
        .first(conn)
        .optional()?
    else {
        tracing::warn!(event = %env.id, request = %e.source.id, "outbound confirmation for an unknown request; ignored");
        return Ok(());
    };
    // The order first, as every request handler does: one lock order, no deadlocks.
    sales_orders::table
        .find(request.order_id)
        .select(sales_orders::id)
        .for_update()
        .first::<Uuid>(conn)?;
    let mut lines: Vec<OutboundRequestLine> = outbound_request_lines::table
        .filter(outbound_request_lines::request_id.eq(request.id))
        .select(OutboundRequestLine::as_select())
        .for_update()
        .load(conn)?;
    for issued in &e.lines {
        let Some(rl) = issued
            .source_line_id
            .and_then(|sid| lines.iter_mut().find(|l| l.id == sid))
        else {
            tracing::warn!(event = %env.id, line = %issued.line_id, "issued line matches no request line; ignored");
            continue;
        };
        let add = issued.quantity.min(rl.open_quantity());
        if add <= Decimal::ZERO {
            continue;
        }
        rl.issued += add;
        rl.issued_cost += (add * issued.unit_cost).round_dp(4);
        diesel::update(outbound_request_lines::table.find(rl.id))
            .set((
                outbound_request_lines::issued.eq(rl.issued),
                outbound_request_lines::issued_cost.eq(rl.issued_cost),
            ))
            .execute(conn)?;
        let (requested, already): (Decimal, Decimal) = sales_order_lines::table
            .find(rl.order_line_id)
            .select((sales_order_lines::requested, sales_order_lines::issued))
            .first(conn)?;
        diesel::update(sales_order_lines::table.find(rl.order_line_id))
            .set(sales_order_lines::issued.eq((already + add).min(requested)))
            .execute(conn)?;
    }
    let rest_cancelled = e.lines.is_empty() && (e.status == "cancelled" || e.status == "issued");
    if rest_cancelled {
        for rl in lines.iter_mut().filter(|l| l.open_quantity() > Decimal::ZERO) {
            let open = rl.open_quantity();
            rl.cancelled += open;
            diesel::update(outbound_request_lines::table.find(rl.id))
                .set(outbound_request_lines::cancelled.eq(rl.cancelled))
                .execute(conn)?;
            let (requested, issued): (Decimal, Decimal) = sales_order_lines::table
                .find(rl.order_line_id)
                .select((sales_order_lines::requested, sales_order_lines::issued))
                .first(conn)?;
            diesel::update(sales_order_lines::table.find(rl.order_line_id))
                .set(sales_order_lines::requested.eq((requested - open).max(issued)))
                .execute(conn)?;
        }
    }
    let status = if NOTE_STATUSES.contains(&e.status.as_str()) {
        e.status.clone()
    } else {
        request.status.clone()
    };
    diesel::update(outbound_requests::table.find(request.id))
        .set((
            outbound_requests::status.eq(status),
            outbound_requests::note_number.eq(&e.note_number),
            outbound_requests::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}
