//! Arrivals (seed 001 §2 ⑤): the purchaser tells the warehouse what of a purchase order arrived
//! and is to be counted in. Each arrival raises the order lines' `arrived` (never beyond the
//! ordered quantity plus the over-receipt tolerance) and publishes
//! `purchasing.inbound.requested`; the keeper's confirmation comes back as
//! `warehouse.inbound.confirmed`. Also the arrival reminders: orders whose goods are overdue
//! with nothing received.

use super::settlement::{advance, close_if_settled};
use crate::db::arrivals::{self as db, ArrivalLineRow, ArrivalRow, NewArrival, NewArrivalLine};
use crate::db::orders::{self as order_db, OrderLineRow};
use crate::db::{suppliers, tolerances};
use crate::domain::matching::{QUANTITY_SCALE, over_receipt_message, receipt_room};
use crate::domain::orders::{OrderAction, OrderStatus};
use crate::domain::settlement::{ArrivalAction, ArrivalStatus};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::purchasing::{ArrivalOverdue, InboundRequestLine, InboundRequested};
use erp_contracts::warehouse::InboundConfirmed;
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// The arrival's name in its business flow (`erp_bus::flow`).
pub const DOCUMENT_TYPE: &str = "arrival";

/// The `source.kind` of inbound notes made from purchasing's arrivals.
pub const SOURCE_KIND: &str = "purchasing.inbound_request";

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ArrivedLine {
    pub order_line_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ArrivalInput {
    /// The order's warehouse (or the warehouse's default) when absent.
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    pub lines: Vec<ArrivedLine>,
}

/// An arrival with its lines.
#[derive(Debug, Clone)]
pub struct ArrivalView {
    pub arrival: ArrivalRow,
    pub lines: Vec<ArrivalLineRow>,
}

fn views(c: &mut PgConnection, rows: Vec<ArrivalRow>) -> Result<Vec<ArrivalView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let mut lines: HashMap<Uuid, Vec<ArrivalLineRow>> = HashMap::new();
    for l in db::lines_of(c, &ids)? {
        lines.entry(l.arrival_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|a| ArrivalView {
            lines: lines.remove(&a.id).unwrap_or_default(),
            arrival: a,
        })
        .collect())
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<ArrivalView, AppError> {
    let a = db::find(c, id)?.ok_or_else(|| AppError::not_found("arrival"))?;
    views(c, vec![a])?
        .pop()
        .ok_or_else(|| AppError::internal("arrival vanished"))
}

/// The arrivals of an order.
pub fn of_order(c: &mut PgConnection, order_id: Uuid) -> Result<Vec<ArrivalView>, AppError> {
    order_db::find(c, order_id)?;
    let rows = db::of_order(c, order_id)?;
    views(c, rows)
}

/// Matches the lines to the order's lines (each at most once) and checks each quantity against
/// the over-receipt tolerance; one 422 naming every bad `lines[i]…`.
fn match_lines<'a>(
    order_lines: &'a [OrderLineRow],
    lines: &[ArrivedLine],
    over_receipt_pct: Decimal,
) -> Result<Vec<(&'a OrderLineRow, Decimal)>, AppError> {
    let by_id: HashMap<Uuid, &OrderLineRow> = order_lines.iter().map(|l| (l.id, l)).collect();
    let mut v = Validator::new();
    v.check(!lines.is_empty(), "lines", "must have at least one line");
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let field = format!("lines[{i}].quantity");
        if l.quantity <= Decimal::ZERO {
            v.add(field, "must be greater than zero");
            continue;
        }
        if l.quantity.normalize().scale() > QUANTITY_SCALE {
            v.add(field, format!("must have at most {QUANTITY_SCALE} decimal places"));
            continue;
        }
        match by_id.get(&l.order_line_id) {
            None => {
                v.add(format!("lines[{i}].order_line_id"), "not a line of this order");
            }
            Some(_) if !seen.insert(l.order_line_id) => {
                v.add(format!("lines[{i}].order_line_id"), "appears twice");
            }
            Some(ol) => {
                if l.quantity > receipt_room(ol.quantity, ol.arrived, over_receipt_pct) {
                    v.add(
                        field,
                        over_receipt_message(ol.line_no, ol.quantity, ol.arrived, l.quantity, over_receipt_pct),
                    );
                } else {
                    out.push((*ol, l.quantity));
                }
            }
        }
    }
    v.finish()?;
    Ok(out)
}

/// The purchaser announces what arrived of an approved, sent or partially received order, for
/// the warehouse keeper to count in. Per line, everything announced may exceed the ordered
/// quantity by the over-receipt tolerance and no more.
pub fn announce(
    c: &mut PgConnection,
    user: &CurrentUser,
    order_id: Uuid,
    input: &ArrivalInput,
    meta: &EventMeta,
) -> Result<ArrivalView, AppError> {
    let mut v = Validator::new();
    v.optional_text("note", input.note.as_deref(), 1000);
    v.finish()?;
    let o = order_db::lock(c, order_id)?;
    if !o.status.is_open_for_receipt() {
        return Err(AppError::wrong_state(format!(
            "goods are announced on approved, sent or partially received orders; this one is {}",
            o.status
        )));
    }
    let tolerances = tolerances::tolerances(c)?;
    let order_lines = order_db::lock_lines(c, order_id)?;
    let wanted = match_lines(&order_lines, &input.lines, tolerances.over_receipt_pct)?;
    let supplier = suppliers::find(c, o.supplier_id)?;
    let warehouse_id = input.warehouse_id.or(o.warehouse_id);
    let arrival = NewArrival {
        id: Uuid::now_v7(),
        number: erp_db::next_number(c, "ARR", erp_calendar::today().year())?,
        order_id,
        order_number: o.number.clone(),
        warehouse_id,
        note: clean(input.note.as_deref()),
        status: ArrivalStatus::Requested,
        requested_by: user.actor(),
    };
    let lines: Vec<NewArrivalLine> = wanted
        .iter()
        .map(|(ol, q)| NewArrivalLine {
            id: Uuid::now_v7(),
            arrival_id: arrival.id,
            order_line_id: ol.id,
            item_id: ol.item_id,
            quantity: *q,
            unit_cost: ol.unit_price,
        })
        .collect();
    db::insert(c, &arrival, &lines)?;
    for l in &lines {
        order_db::add_arrived(c, l.order_line_id, l.quantity)?;
    }
    let meta = erp_bus::flow::derive(
        c,
        meta,
        (DOCUMENT_TYPE, arrival.id),
        (crate::app::orders::DOCUMENT_TYPE, order_id),
    )?;
    erp_bus::enqueue(
        c,
        &meta,
        &InboundRequested {
            request_id: arrival.id,
            purchase_order_id: order_id,
            purchase_order_number: o.number.clone(),
            supplier_name: supplier.map(|s| s.name),
            warehouse_id,
            lines: lines
                .iter()
                .map(|l| InboundRequestLine {
                    line_id: l.id,
                    order_line_id: Some(l.order_line_id),
                    item_id: l.item_id,
                    quantity: l.quantity,
                    unit_cost: l.unit_cost,
                })
                .collect(),
        },
    )?;
    get(c, arrival.id)
}

/// Publishes `purchasing.arrival.overdue` for every order open for receipt whose expected
/// arrival is before `today`, of which nothing was received, and that was not reminded yet;
/// marks them reminded. Returns how many were reminded. Meant for a daily job (or the endpoint).
pub fn remind_overdue(c: &mut PgConnection, today: NaiveDate, meta: &EventMeta) -> Result<usize, AppError> {
    let due = order_db::overdue(c, today)?;
    if due.is_empty() {
        return Ok(0);
    }
    let supplier_ids: Vec<Uuid> = due.iter().map(|o| o.supplier_id).collect();
    let names = suppliers::by_id(c, &supplier_ids)?;
    let now = Utc::now();
    let mut reminded = 0;
    for o in &due {
        let Some(expected_arrival) = o.expected_arrival else {
            continue;
        };
        order_db::set_reminded(c, o.id, now)?;
        let meta = erp_bus::flow::resume(c, meta, (crate::app::orders::DOCUMENT_TYPE, o.id))?;
        erp_bus::enqueue(
            c,
            &meta,
            &ArrivalOverdue {
                order_id: o.id,
                number: o.number.clone(),
                supplier_name: names.get(&o.supplier_id).map(|s| s.name.clone()).unwrap_or_default(),
                expected_arrival,
                buyer_id: o.buyer_id,
            },
        )?;
        reminded += 1;
    }
    Ok(reminded)
}

/// The hourly job: reminders for purchase arrivals that are overdue (today in UTC).
pub fn reminders_job(c: &mut PgConnection, meta: &EventMeta) -> Result<usize, AppError> {
    remind_overdue(c, erp_calendar::today(), meta)
}

/// The warehouse counted an arrival in (`warehouse.inbound.confirmed`, event `event_id`): what
/// the keeper counted is added to the order lines' `received`, the count and the reasons are
/// kept on the arrival, what did not come is given back to `arrived` (so it can be announced
/// again) and the order moves to partially received or received. A received order already
/// invoiced and paid closes. A confirmation of another kind, or a second one, changes nothing.
pub fn inbound_confirmed(c: &mut PgConnection, event_id: Uuid, e: &InboundConfirmed) -> Result<(), AppError> {
    if e.kind != "purchase" || e.source.kind != SOURCE_KIND {
        return Ok(());
    }
    let Some(arrival) = db::find(c, e.source.id)? else {
        tracing::warn!(event = %event_id, arrival = %e.source.id, "inbound confirmation for an unknown arrival; ignored");
        return Ok(());
    };
    // The order first, as every command does: one lock order, no deadlocks.
    let order = order_db::lock(c, arrival.order_id)?;
    let arrival = db::lock(c, arrival.id)?;
    let Ok(confirmed) = arrival.status.transition(ArrivalAction::Confirm) else {
        tracing::info!(event = %event_id, arrival = %arrival.id, "arrival already confirmed; ignored");
        return Ok(());
    };
    order_db::lock_lines(c, order.id)?;
    let lines = db::lock_lines(c, arrival.id)?;
    for counted in &e.lines {
        if !lines.iter().any(|l| Some(l.id) == counted.source_line_id) {
            tracing::warn!(event = %event_id, line = %counted.line_id, "received line matches no arrival line; ignored");
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
        db::set_counted(c, al.id, received, discrepancy.as_deref())?;
        // What was announced and did not come is no longer on its way.
        let (arrived, already) = order_db::arrived_and_received(c, al.order_line_id)?;
        order_db::set_arrived_and_received(
            c,
            al.order_line_id,
            (arrived - al.quantity + received).max(already + received),
            already + received,
        )?;
    }
    db::set_confirmed(c, arrival.id, confirmed, e.note_id, &e.note_number)?;
    let order_lines = order_db::lines(c, order.id)?;
    if order_lines.iter().any(|l| l.received > Decimal::ZERO) {
        if order.status.is_open_for_receipt() {
            let action = if order_lines.iter().all(|l| l.received >= l.quantity) {
                OrderAction::ReceiveAll
            } else {
                OrderAction::ReceivePart
            };
            advance(c, &order, action)?;
        } else if order.status != OrderStatus::Received {
            tracing::warn!(
                event = %event_id,
                order = %order.number,
                status = order.status.as_str(),
                "goods received on a purchase order that no longer expects them"
            );
        }
    }
    close_if_settled(c, order.id)?;
    Ok(())
}
