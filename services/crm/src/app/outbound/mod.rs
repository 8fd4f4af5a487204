//! Outbound requests: a salesperson asks the warehouse to issue goods of an approved order,
//! in part or in full. Each request raises the order lines' `requested`, moves the order to
//! `in_fulfilment` and publishes `crm.outbound.requested`; the warehouse's confirmations come
//! back as `warehouse.outbound.confirmed` ([`confirmed`]).

pub mod confirmed;

use super::quantities::{QuantityLine, check_quantities, match_lines};
use crate::db;
use crate::db::order_fulfilment::{add_requested, set_order_status};
use crate::db::outbound::{self as rows, NewRequest, NewRequestLine, OutboundRequest, OutboundRequestLine};
use crate::domain::documents::OrderAction;
use crate::domain::fulfilment::OutboundStatus;
use crate::domain::visibility::scope;
use chrono::Datelike;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::crm::{OutboundRequestLine as RequestedLine, OutboundRequested};
use erp_problem::{AppError, Validator};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The outbound request's name in its business flow (`erp_bus::flow`).
pub const DOCUMENT_TYPE: &str = "outbound_request";

#[derive(Debug, Deserialize, ToSchema)]
pub struct OutboundRequestInput {
    /// The warehouse's default warehouse when absent.
    pub warehouse_id: Option<Uuid>,
    pub lines: Vec<QuantityLine>,
}

/// A request with its lines.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub request: OutboundRequest,
    pub lines: Vec<OutboundRequestLine>,
}

/// 422 for quantities that are wrong on their own (before anything is locked).
fn check(input: &OutboundRequestInput) -> Result<(), AppError> {
    let mut v = Validator::new();
    check_quantities(&mut v, &input.lines);
    v.finish()
}

fn views(c: &mut PgConnection, requests: Vec<OutboundRequest>) -> Result<Vec<RequestView>, AppError> {
    let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
    let mut lines: HashMap<Uuid, Vec<OutboundRequestLine>> = HashMap::new();
    for l in rows::lines_of(c, &ids)? {
        lines.entry(l.request_id).or_default().push(l);
    }
    Ok(requests
        .into_iter()
        .map(|r| RequestView {
            lines: lines.remove(&r.id).unwrap_or_default(),
            request: r,
        })
        .collect())
}

fn view(c: &mut PgConnection, id: Uuid) -> Result<RequestView, AppError> {
    let r = rows::find(c, id)?.ok_or_else(|| AppError::not_found("outbound request"))?;
    views(c, vec![r])?
        .pop()
        .ok_or_else(|| AppError::internal("outbound request vanished"))
}

/// The order's requests, if the actor sees the order.
pub fn of_order(c: &mut PgConnection, actor: &CurrentUser, order_id: Uuid) -> Result<Vec<RequestView>, AppError> {
    db::visible_order(c, scope(actor), order_id)?;
    let requests = rows::of_order(c, order_id)?;
    views(c, requests)
}

/// One request, if the actor sees its order.
pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<RequestView, AppError> {
    let d = view(c, id)?;
    db::visible_order(c, scope(actor), d.request.order_id).map_err(|e| match e {
        AppError::NotFound(_) => AppError::not_found("outbound request"),
        other => other,
    })?;
    Ok(d)
}

/// Asks the warehouse for goods of an approved or in-fulfilment order: any part of what is
/// ordered and not yet requested. The order moves to `in_fulfilment`; `crm.outbound.requested`
/// carries the request lines, whose ids come back on the warehouse's confirmations.
pub fn request(
    c: &mut PgConnection,
    actor: &CurrentUser,
    order_id: Uuid,
    input: &OutboundRequestInput,
    meta: &EventMeta,
) -> Result<RequestView, AppError> {
    check(input)?;
    let o = db::lock_visible_order(c, scope(actor), order_id)?;
    let status = o.status;
    let next = status.transition(OrderAction::Fulfil)?;
    let order_lines = db::order_lines(c, order_id)?;
    let wanted = match_lines(&order_lines, &input.lines, |l| l.quantity - l.requested, "to request")?;
    let request_id = Uuid::now_v7();
    let number = erp_db::next_number(c, "OR", erp_calendar::today().year())?;
    let lines: Vec<NewRequestLine> = wanted
        .iter()
        .map(|(ol, q)| NewRequestLine {
            id: Uuid::now_v7(),
            request_id,
            order_line_id: ol.id,
            item_id: ol.item_id,
            quantity: *q,
        })
        .collect();
    rows::insert(
        c,
        &NewRequest {
            id: request_id,
            number: &number,
            order_id,
            warehouse_id: input.warehouse_id,
            status: OutboundStatus::Open,
            requested_by: &actor.actor(),
        },
        &lines,
    )?;
    for l in &lines {
        add_requested(c, l.order_line_id, l.quantity)?;
    }
    if next != status {
        set_order_status(c, order_id, next)?;
    }
    let meta = erp_bus::flow::derive(
        c,
        meta,
        (DOCUMENT_TYPE, request_id),
        (crate::app::orders::DOCUMENT_TYPE, order_id),
    )?;
    erp_bus::enqueue(
        c,
        &meta,
        &OutboundRequested {
            request_id,
            order_id,
            order_number: o.number.clone(),
            customer_name: o.buyer.get("name").and_then(|n| n.as_str()).map(str::to_owned),
            warehouse_id: input.warehouse_id,
            lines: lines
                .iter()
                .map(|l| RequestedLine {
                    line_id: l.id,
                    order_line_id: Some(l.order_line_id),
                    item_id: l.item_id,
                    quantity: l.quantity,
                })
                .collect(),
        },
    )?;
    view(c, request_id)
}
