//! The answers to purchasing's settlement: the warehouse's count of an arrival
//! (`warehouse.inbound.confirmed`) and finance's payment (`finance.payment.made`). Redeliveries
//! are dropped by the inbox; a second answer for the same arrival or payment request changes
//! nothing either.

use crate::db::settlement::{self, Arrival, ArrivalLine, PaymentRequest, arrival_lines, arrivals, payment_requests};
use crate::db::{self, schema::purchase_order_lines};
use crate::domain::status::{OrderAction, OrderStatus};
use chrono::Utc;
use diesel::prelude::*;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::finance::PaymentMade;
use erp_contracts::warehouse::InboundConfirmed;
use rust_decimal::Decimal;

/// The `source.kind` of inbound notes made from purchasing's arrivals.
pub const SOURCE_KIND: &str = "purchasing.inbound_request";

/// Adds what the keeper counted to the order lines' `received`, keeps the count and the reasons
/// on the arrival, gives back to `arrived` what did not come (so it can be announced again) and
/// moves the order to partially received or received. A received order already invoiced and
/// paid closes.
pub fn inbound_confirmed(conn: &mut PgConnection, env: &Envelope, e: InboundConfirmed) -> Result<(), HandlerError> {
    if e.kind != "purchase" || e.source.kind != SOURCE_KIND {
        return Ok(());
    }
    let Some(arrival) = arrivals::table
        .find(e.source.id)
        .select(Arrival::as_select())
        .first(conn)
        .optional()?
    else {
        tracing::warn!(event = %env.id, arrival = %e.source.id, "inbound confirmation for an unknown arrival; ignored");
        return Ok(());
    };
    // The order first, as every request handler does: one lock order, no deadlocks.
    let order = db::lock_order(conn, arrival.order_id)?;
    let arrival: Arrival = arrivals::table
        .find(arrival.id)
        .select(Arrival::as_select())
        .for_update()
        .first(conn)?;
    if arrival.status == "confirmed" {
        tracing::info!(event = %env.id, arrival = %arrival.id, "arrival already confirmed; ignored");
        return Ok(());
    }
    settlement::lock_order_lines(conn, order.id)?;
    let lines: Vec<ArrivalLine> = arrival_lines::table
        .filter(arrival_lines::arrival_id.eq(arrival.id))
        .select(ArrivalLine::as_select())
        .for_update()
        .load(conn)?;
    for counted in &e.lines {
        if !lines.iter().any(|l| Some(l.id) == counted.source_line_id) {
            tracing::warn!(event = %env.id, line = %counted.line_id, "received line matches no arrival line; ignored");
        }
    }
    for al in &lines {
        let counted = e.lines.iter().find(|r| r.source_line_id == Some(al.id));
        let (received, discrepancy) = match counted {
            Some(r) => (r.received.max(Decimal::ZERO), r.discrepancy.clone()),
            None => (
                Decimal::ZERO,
                Some("not in the warehouse's confirmation: nothing received".to_owned()),
            ),
        };
        diesel::update(arrival_lines::table.find(al.id))
            .set((
                arrival_lines::received.eq(Some(received)),
                arrival_lines::discrepancy.eq(&discrepancy),
            ))
            .execute(conn)?;
        // What was announced and did not come is no longer on its way.
        let (arrived, already): (Decimal, Decimal) = purchase_order_lines::table
            .find(al.order_line_id)
            .select((purchase_order_lines::arrived, purchase_order_lines::received))
            .first(conn)?;
        diesel::update(purchase_order_lines::table.find(al.order_line_id))
            .set((
                purchase_order_lines::received.eq(already + received),
                purchase_order_lines::arrived.eq((arrived - al.quantity + received).max(already + received)),
            ))
            .execute(conn)?;
    }
    diesel::update(arrivals::table.find(arrival.id))
        .set((
            arrivals::status.eq("confirmed"),
            arrivals::note_id.eq(Some(e.note_id)),
            arrivals::note_number.eq(Some(&e.note_number)),
            arrivals::confirmed_at.eq(Some(Utc::now())),
        ))
        .execute(conn)?;
    let order_lines = db::order_lines(conn, order.id)?;
    let status = OrderStatus::parse(&order.status)?;
    if order_lines.iter().any(|l| l.received > Decimal::ZERO) {
        if status.is_open_for_receipt() {
            let action = if order_lines.iter().all(|l| l.received >= l.quantity) {
                OrderAction::ReceiveAll
            } else {
                OrderAction::ReceivePart
            };
            settlement::advance(conn, &order, action)?;
        } else if status != OrderStatus::Received {
            tracing::warn!(
                event = %env.id,
                order = %order.number,
                status = status.as_str(),
                "goods received on a purchase order that no longer expects them"
            );
        }
    }
    settlement::close_if_settled(conn, order.id)?;
    Ok(())
}

/// Finance paid a payment request: it is paid, with the amount, date and reference; an order
/// received and invoiced in full and now paid closes. Unknown or not approved requests are
/// ignored with a log.
pub fn payment_made(conn: &mut PgConnection, env: &Envelope, e: PaymentMade) -> Result<(), HandlerError> {
    let Some(order_id) = payment_requests::table
        .find(e.payment_request_id)
        .select(payment_requests::order_id)
        .first(conn)
        .optional()?
    else {
        tracing::warn!(event = %env.id, payment_request = %e.payment_request_id, "payment for an unknown payment request; ignored");
        return Ok(());
    };
    db::lock_order(conn, order_id)?;
    let pr: PaymentRequest = payment_requests::table
        .find(e.payment_request_id)
        .select(PaymentRequest::as_select())
        .for_update()
        .first(conn)?;
    if pr.status != "approved" {
        if pr.status == "paid" {
            tracing::info!(event = %env.id, payment_request = %pr.number, "payment request already paid; ignored");
        } else {
            tracing::warn!(
                event = %env.id,
                payment_request = %pr.number,
                status = %pr.status,
                "payment for a payment request that is not approved; ignored"
            );
        }
        return Ok(());
    }
    if e.currency != pr.currency || e.amount != pr.amount {
        tracing::warn!(
            event = %env.id,
            payment_request = %pr.number,
            requested = %format!("{} {}", pr.amount, pr.currency),
            paid = %format!("{} {}", e.amount, e.currency),
            "paid amount differs from the payment request"
        );
    }
    diesel::update(payment_requests::table.find(pr.id))
        .set((
            payment_requests::status.eq("paid"),
            payment_requests::paid_amount.eq(Some(e.amount)),
            payment_requests::paid_on.eq(Some(e.paid_on)),
            payment_requests::payment_reference.eq(&e.reference),
            payment_requests::paid_at.eq(Some(Utc::now())),
        ))
        .execute(conn)?;
    settlement::close_if_settled(conn, order_id)?;
    Ok(())
}
