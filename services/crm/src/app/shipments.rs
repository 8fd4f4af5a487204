//! Shipments: the salesperson ships what the warehouse issued (carrier, tracking number) and
//! records the customer's signed delivery note, which publishes `crm.shipment.delivered`. An
//! order whose lines are all shipped and whose confirmed receipts cover the total is
//! completed.

use super::progress::complete_if_done;
use super::quantities::{QuantityLine, check_quantities, match_lines};
use crate::db::order_fulfilment::add_shipped;
use crate::db::shipments::{self as rows, NewShipment, NewShipmentLine, Shipment, ShipmentLine};
use crate::db::{self, SalesOrderRow};
use crate::domain::fulfilment::{ShipmentAction, ShipmentStatus};
use crate::domain::visibility::{Scope, scope};
use chrono::{DateTime, Datelike, Duration, Utc};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::crm::{DeliveredLine, ShipmentDelivered};
use erp_problem::{AppError, Validator};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The shipment's name in its business flow (`erp_bus::flow`).
pub const DOCUMENT_TYPE: &str = "shipment";

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShipmentInput {
    pub carrier: String,
    pub tracking_number: Option<String>,
    /// At most what was issued and not yet shipped, per order line.
    pub lines: Vec<QuantityLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeliveryInput {
    /// When the customer signed; not in the future.
    pub delivered_at: DateTime<Utc>,
    /// Reference of the scan of the customer's signed delivery note.
    pub signed_delivery_note_ref: String,
}

/// A shipment with its lines.
#[derive(Debug, Clone)]
pub struct ShipmentView {
    pub shipment: Shipment,
    pub lines: Vec<ShipmentLine>,
}

fn views(c: &mut PgConnection, shipments: Vec<Shipment>) -> Result<Vec<ShipmentView>, AppError> {
    let ids: Vec<Uuid> = shipments.iter().map(|s| s.id).collect();
    let mut lines: HashMap<Uuid, Vec<ShipmentLine>> = HashMap::new();
    for l in rows::lines_of(c, &ids)? {
        lines.entry(l.shipment_id).or_default().push(l);
    }
    Ok(shipments
        .into_iter()
        .map(|s| ShipmentView {
            lines: lines.remove(&s.id).unwrap_or_default(),
            shipment: s,
        })
        .collect())
}

fn view(c: &mut PgConnection, id: Uuid) -> Result<ShipmentView, AppError> {
    let s = rows::find(c, id)?;
    views(c, vec![s])?
        .pop()
        .ok_or_else(|| AppError::internal("shipment vanished"))
}

/// The order of a shipment, if the user may see it (404 for the shipment otherwise).
fn order_of_shipment(c: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<SalesOrderRow, AppError> {
    let order_id = rows::order_of(c, id)?;
    if lock {
        db::lock_visible_order(c, scope, order_id)
    } else {
        db::visible_order(c, scope, order_id)
    }
    .map_err(|e| match e {
        AppError::NotFound(_) => AppError::not_found("shipment"),
        other => other,
    })
}

/// The order's shipments, if the actor sees the order.
pub fn of_order(c: &mut PgConnection, actor: &CurrentUser, order_id: Uuid) -> Result<Vec<ShipmentView>, AppError> {
    db::visible_order(c, scope(actor), order_id)?;
    let shipments = rows::of_order(c, order_id)?;
    views(c, shipments)
}

/// One shipment, if the actor sees its order.
pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<ShipmentView, AppError> {
    order_of_shipment(c, scope(actor), id, false)?;
    view(c, id)
}

/// Ships goods the warehouse issued and that are not shipped yet (422 naming
/// `lines[i].quantity` beyond that). Completes the order when everything is shipped and paid.
pub fn create(
    c: &mut PgConnection,
    actor: &CurrentUser,
    order_id: Uuid,
    input: &ShipmentInput,
) -> Result<ShipmentView, AppError> {
    let mut v = Validator::new();
    v.text("carrier", &input.carrier, 200)
        .optional_text("tracking_number", input.tracking_number.as_deref(), 100);
    check_quantities(&mut v, &input.lines);
    v.finish()?;
    let o = db::lock_visible_order(c, scope(actor), order_id)?;
    let status = o.status;
    if !status.is_open_for_fulfilment() {
        return Err(AppError::wrong_state(format!(
            "cannot ship goods of a sales order that is {}",
            status.as_str()
        )));
    }
    let order_lines = db::order_lines(c, order_id)?;
    let wanted = match_lines(
        &order_lines,
        &input.lines,
        |l| l.issued - l.shipped,
        "issued and not shipped",
    )?;
    let shipment_id = Uuid::now_v7();
    let number = erp_db::next_number(c, "SH", erp_calendar::today().year())?;
    let lines: Vec<NewShipmentLine> = wanted
        .iter()
        .map(|(ol, q)| NewShipmentLine {
            id: Uuid::now_v7(),
            shipment_id,
            order_line_id: ol.id,
            item_id: ol.item_id,
            quantity: *q,
        })
        .collect();
    let tracking_number = erp_problem::clean(input.tracking_number.as_deref());
    rows::insert(
        c,
        &NewShipment {
            id: shipment_id,
            number: &number,
            order_id,
            carrier: input.carrier.trim(),
            tracking_number: tracking_number.as_deref(),
            status: ShipmentStatus::Shipped,
            shipped_by: &actor.actor(),
        },
        &lines,
    )?;
    for l in &lines {
        add_shipped(c, l.order_line_id, l.quantity)?;
    }
    erp_bus::flow::inherit(
        c,
        (DOCUMENT_TYPE, shipment_id),
        (crate::app::orders::DOCUMENT_TYPE, order_id),
    )?;
    complete_if_done(c, &o)?;
    view(c, shipment_id)
}

/// Records the customer's signature on the delivery note; publishes `crm.shipment.delivered`.
pub fn deliver(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &DeliveryInput,
    meta: &EventMeta,
) -> Result<ShipmentView, AppError> {
    let mut v = Validator::new();
    v.text("signed_delivery_note_ref", &input.signed_delivery_note_ref, 500);
    // A few minutes of leeway for the clocks of phones and laptops.
    v.check(
        input.delivered_at <= Utc::now() + Duration::minutes(5),
        "delivered_at",
        "must not be in the future",
    );
    v.finish()?;
    let o = order_of_shipment(c, scope(actor), id, true)?;
    let s = rows::lock(c, id)?;
    let next = s
        .status
        .transition(ShipmentAction::Deliver)
        .map_err(|_| AppError::wrong_state(format!("shipment {} is already {}", s.number, s.status)))?;
    let note_ref = input.signed_delivery_note_ref.trim();
    rows::deliver(c, id, next, input.delivered_at, note_ref, &actor.actor())?;
    let d = view(c, id)?;
    let meta = erp_bus::flow::resume(c, meta, (DOCUMENT_TYPE, id))?;
    erp_bus::enqueue(
        c,
        &meta,
        &ShipmentDelivered {
            shipment_id: id,
            order_id: o.id,
            order_number: o.number.clone(),
            customer_id: o.customer_id,
            lines: d
                .lines
                .iter()
                .map(|l| DeliveredLine {
                    order_line_id: l.order_line_id,
                    item_id: l.item_id,
                    quantity: l.quantity,
                })
                .collect(),
            delivered_at: input.delivered_at,
            signed_delivery_note_ref: note_ref.to_owned(),
        },
    )?;
    complete_if_done(c, &o)?;
    Ok(d)
}
