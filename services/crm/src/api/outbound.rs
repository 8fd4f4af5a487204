//! Outbound requests: a salesperson asks the warehouse to issue goods of an approved order,
//! in part or in full. Each request raises the order lines' `requested`, moves the order to
//! `in_fulfilment` and publishes `crm.outbound.requested`; the warehouse's confirmations come
//! back as `warehouse.outbound.confirmed` (see `events::fulfilment`).

use super::SELLERS;
use super::orders::set_status;
use crate::db::fulfilment::{self, OutboundRequest, OutboundRequestLine, outbound_request_lines, outbound_requests};
use crate::db::{self, OrderLine, schema::sales_order_lines};
use crate::domain::documents::{OrderAction, OrderStatus};
use crate::domain::visibility::scope;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::Datelike;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_contracts::crm::{OutboundRequestLine as RequestedLine, OutboundRequested};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_outbound_requests)
        .service(get_outbound_request)
        .service(request_outbound);
}

/// Quantities have at most four decimal places (kg, m, pieces).
pub const QUANTITY_SCALE: u32 = 4;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct QuantityLine {
    pub order_line_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OutboundRequestInput {
    /// The warehouse's default warehouse when absent.
    pub warehouse_id: Option<Uuid>,
    pub lines: Vec<QuantityLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboundRequestDetail {
    #[serde(flatten)]
    pub request: OutboundRequest,
    pub lines: Vec<OutboundRequestLine>,
}

/// The JSON form of a quantity: always four places.
pub fn quantity(q: Decimal) -> Decimal {
    let mut q = q;
    q.rescale(QUANTITY_SCALE);
    q
}

/// Every line's quantity is positive with at most four places; the list is not empty.
pub fn check_quantities(v: &mut Validator, lines: &[QuantityLine]) {
    v.check(!lines.is_empty(), "lines", "must have at least one line");
    for (i, l) in lines.iter().enumerate() {
        let field = format!("lines[{i}].quantity");
        if l.quantity <= Decimal::ZERO {
            v.add(field, "must be greater than zero");
        } else if l.quantity.normalize().scale() > QUANTITY_SCALE {
            v.add(field, format!("must have at most {QUANTITY_SCALE} decimal places"));
        }
    }
}

/// Matches the lines to the order's lines (each at most once) and checks each quantity
/// against `room` (what is left on the order line); 422 naming `lines[i]…` otherwise.
pub fn match_lines<'a>(
    order_lines: &'a [OrderLine],
    lines: &[QuantityLine],
    room: impl Fn(&OrderLine) -> Decimal,
    what: &str,
) -> Result<Vec<(&'a OrderLine, Decimal)>, AppError> {
    let by_id: HashMap<Uuid, &OrderLine> = order_lines.iter().map(|l| (l.id, l)).collect();
    let mut v = Validator::new();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        match by_id.get(&l.order_line_id) {
            None => {
                v.add(format!("lines[{i}].order_line_id"), "not a line of this order");
            }
            Some(_) if !seen.insert(l.order_line_id) => {
                v.add(format!("lines[{i}].order_line_id"), "appears twice");
            }
            Some(ol) => {
                let left = room(ol).max(Decimal::ZERO);
                if l.quantity > left {
                    v.add(
                        format!("lines[{i}].quantity"),
                        format!("only {} is left {what} on line {}", quantity(left), ol.line_no),
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

fn details(c: &mut PgConnection, requests: Vec<OutboundRequest>) -> Result<Vec<OutboundRequestDetail>, AppError> {
    let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
    let mut lines: HashMap<Uuid, Vec<OutboundRequestLine>> = HashMap::new();
    for l in fulfilment::request_lines(c, &ids)? {
        lines.entry(l.request_id).or_default().push(l);
    }
    Ok(requests
        .into_iter()
        .map(|r| OutboundRequestDetail {
            lines: lines.remove(&r.id).unwrap_or_default(),
            request: r,
        })
        .collect())
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<OutboundRequestDetail, AppError> {
    let r = outbound_requests::table
        .find(id)
        .select(OutboundRequest::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("outbound request"))?;
    details(c, vec![r])?
        .pop()
        .ok_or_else(|| AppError::internal("outbound request vanished"))
}

#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = Vec<OutboundRequestDetail>),
    )
)]
#[get("/api/v1/orders/{id}/outbound-requests")]
async fn list_outbound_requests(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<OutboundRequestDetail>>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::visible_order(c, scope, id)?;
        let requests = outbound_requests::table
            .filter(outbound_requests::order_id.eq(id))
            .order(outbound_requests::id)
            .select(OutboundRequest::as_select())
            .load(c)?;
        details(c, requests)
    })
    .await?;
    Ok(web::Json(rows))
}

#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "outbound request id")),
    responses(
        (status = 200, body = OutboundRequestDetail),
    )
)]
#[get("/api/v1/outbound-requests/{id}")]
async fn get_outbound_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OutboundRequestDetail>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| {
        let d = detail(c, id)?;
        db::visible_order(c, scope, d.request.order_id).map_err(|e| match e {
            AppError::NotFound(_) => AppError::not_found("outbound request"),
            other => other,
        })?;
        Ok(d)
    })
    .await?;
    Ok(web::Json(d))
}

/// Asks the warehouse for goods of an approved or in-fulfilment order: any part of what is
/// ordered and not yet requested. The order moves to `in_fulfilment`; `crm.outbound.requested`
/// carries the request lines, whose ids come back on the warehouse's confirmations.
#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = OutboundRequestInput,
    responses(
        (status = 201, body = OutboundRequestDetail),
        (status = 409, description = "the order is not approved or in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/outbound-requests")]
async fn request_outbound(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<OutboundRequestInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_quantities(&mut v, &input.lines);
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let status = OrderStatus::parse(&o.status)?;
        let next = status.transition(OrderAction::Fulfil)?;
        let order_lines = db::order_lines(c, id)?;
        let wanted = match_lines(&order_lines, &input.lines, |l| l.quantity - l.requested, "to request")?;
        let request_id = Uuid::now_v7();
        let number = erp_db::next_number(c, "OR", erp_calendar::today().year())?;
        diesel::insert_into(outbound_requests::table)
            .values((
                outbound_requests::id.eq(request_id),
                outbound_requests::number.eq(&number),
                outbound_requests::order_id.eq(id),
                outbound_requests::warehouse_id.eq(input.warehouse_id),
                outbound_requests::status.eq("open"),
                outbound_requests::requested_by.eq(&actor),
            ))
            .execute(c)?;
        let mut published = Vec::with_capacity(wanted.len());
        for (ol, q) in &wanted {
            let line_id = Uuid::now_v7();
            diesel::insert_into(outbound_request_lines::table)
                .values((
                    outbound_request_lines::id.eq(line_id),
                    outbound_request_lines::request_id.eq(request_id),
                    outbound_request_lines::order_line_id.eq(ol.id),
                    outbound_request_lines::item_id.eq(ol.item_id),
                    outbound_request_lines::quantity.eq(*q),
                ))
                .execute(c)?;
            diesel::update(sales_order_lines::table.find(ol.id))
                .set(sales_order_lines::requested.eq(sales_order_lines::requested + *q))
                .execute(c)?;
            published.push(RequestedLine {
                line_id,
                order_line_id: Some(ol.id),
                item_id: ol.item_id,
                quantity: *q,
            });
        }
        if next != status {
            set_status(c, id, next)?;
        }
        erp_bus::enqueue(
            c,
            &meta,
            &OutboundRequested {
                request_id,
                order_id: id,
                order_number: o.number.clone(),
                customer_name: o.buyer.get("name").and_then(|n| n.as_str()).map(str::to_owned),
                warehouse_id: input.warehouse_id,
                lines: published,
            },
        )?;
        detail(c, request_id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/outbound-requests/{}", d.request.id)))
        .json(d))
}
