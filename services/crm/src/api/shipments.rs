//! Shipments: the salesperson ships what the warehouse issued (carrier, tracking number) and
//! records the customer's signed delivery note, which publishes `crm.shipment.delivered`. An
//! order whose lines are all shipped and whose confirmed receipts cover the total is
//! completed. Also the order's progress: ordered, requested, issued, shipped, delivered and
//! invoiced per line, and the money received.

use super::SELLERS;
use super::orders::set_status;
use super::outbound::{QuantityLine, check_quantities, match_lines, quantity};
use crate::db::fulfilment::{self, Shipment, ShipmentLine, shipment_lines, shipments};
use crate::db::{self, SalesOrder, schema::sales_order_lines};
use crate::domain::documents::{OrderAction, OrderStatus};
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, Datelike, Duration, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_contracts::crm::{DeliveredLine, ShipmentDelivered};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_shipments)
        .service(get_shipment)
        .service(create_shipment)
        .service(deliver_shipment)
        .service(order_progress);
}

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

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentDetail {
    #[serde(flatten)]
    pub shipment: Shipment,
    pub lines: Vec<ShipmentLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineProgress {
    pub order_line_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    pub unit: String,
    #[schema(value_type = String)]
    pub ordered: Decimal,
    /// Asked of the warehouse (less what the warehouse cancelled).
    #[schema(value_type = String)]
    pub requested: Decimal,
    /// Left the warehouse.
    #[schema(value_type = String)]
    pub issued: Decimal,
    #[schema(value_type = String)]
    pub shipped: Decimal,
    /// Signed for by the customer.
    #[schema(value_type = String)]
    pub delivered: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuantityTotals {
    #[schema(value_type = String)]
    pub ordered: Decimal,
    #[schema(value_type = String)]
    pub requested: Decimal,
    #[schema(value_type = String)]
    pub issued: Decimal,
    #[schema(value_type = String)]
    pub shipped: Decimal,
    #[schema(value_type = String)]
    pub delivered: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyProgress {
    pub currency: String,
    /// The order total.
    #[schema(value_type = String)]
    pub total: Decimal,
    /// Confirmed receipts.
    #[schema(value_type = String)]
    pub paid: Decimal,
    /// Recorded receipts waiting for finance.
    #[schema(value_type = String)]
    pub awaiting_confirmation: Decimal,
    #[schema(value_type = String)]
    pub unpaid: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderProgress {
    pub order_id: Uuid,
    pub order_number: String,
    pub status: String,
    pub lines: Vec<LineProgress>,
    pub totals: QuantityTotals,
    pub money: MoneyProgress,
}

fn money(d: Decimal) -> Decimal {
    let mut d = d;
    d.rescale(2);
    d
}

/// Completes an in-fulfilment order (locked by the caller) once every line is shipped in full
/// and confirmed receipts cover the total.
pub fn complete_if_done(c: &mut PgConnection, order: &SalesOrder) -> Result<bool, AppError> {
    let status = OrderStatus::parse(&order.status)?;
    if status != OrderStatus::InFulfilment {
        return Ok(false);
    }
    let lines = db::order_lines(c, order.id)?;
    if lines.is_empty() || lines.iter().any(|l| l.shipped < l.quantity) {
        return Ok(false);
    }
    if fulfilment::receipts_total(c, order.id, &["confirmed"])? < order.total {
        return Ok(false);
    }
    set_status(c, order.id, status.transition(OrderAction::Complete)?)?;
    Ok(true)
}

fn details(c: &mut PgConnection, rows: Vec<Shipment>) -> Result<Vec<ShipmentDetail>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let mut lines: HashMap<Uuid, Vec<ShipmentLine>> = HashMap::new();
    for l in fulfilment::shipment_lines_of(c, &ids)? {
        lines.entry(l.shipment_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|s| ShipmentDetail {
            lines: lines.remove(&s.id).unwrap_or_default(),
            shipment: s,
        })
        .collect())
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<ShipmentDetail, AppError> {
    let s = shipments::table
        .find(id)
        .select(Shipment::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("shipment"))?;
    details(c, vec![s])?
        .pop()
        .ok_or_else(|| AppError::internal("shipment vanished"))
}

/// The order of a shipment, if the user may see it (404 for the shipment otherwise).
fn order_of_shipment(c: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<SalesOrder, AppError> {
    let order_id: Uuid = shipments::table
        .find(id)
        .select(shipments::order_id)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("shipment"))?;
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

#[utoipa::path(
    tag = "shipments",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = Vec<ShipmentDetail>),
    )
)]
#[get("/api/v1/orders/{id}/shipments")]
async fn list_shipments(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ShipmentDetail>>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::visible_order(c, scope, id)?;
        let rows = shipments::table
            .filter(shipments::order_id.eq(id))
            .order(shipments::id)
            .select(Shipment::as_select())
            .load(c)?;
        details(c, rows)
    })
    .await?;
    Ok(web::Json(rows))
}

#[utoipa::path(
    tag = "shipments",
    params(("id" = Uuid, Path, description = "shipment id")),
    responses(
        (status = 200, body = ShipmentDetail),
    )
)]
#[get("/api/v1/shipments/{id}")]
async fn get_shipment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ShipmentDetail>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| {
        order_of_shipment(c, scope, id, false)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Ships goods the warehouse issued and that are not shipped yet (422 naming `lines[i].quantity`
/// beyond that). Completes the order when everything is shipped and paid.
#[utoipa::path(
    tag = "shipments",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = ShipmentInput,
    responses(
        (status = 201, body = ShipmentDetail),
        (status = 409, description = "the order is not in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/shipments")]
async fn create_shipment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ShipmentInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("carrier", &input.carrier, 200)
        .optional_text("tracking_number", input.tracking_number.as_deref(), 100);
    check_quantities(&mut v, &input.lines);
    v.finish()?;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if !status.is_open_for_fulfilment() {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("cannot ship goods of a sales order that is {}", status.as_str()),
            });
        }
        let order_lines = db::order_lines(c, id)?;
        let wanted = match_lines(
            &order_lines,
            &input.lines,
            |l| l.issued - l.shipped,
            "issued and not shipped",
        )?;
        let shipment_id = Uuid::now_v7();
        let number = erp_db::next_number(c, "SH", erp_calendar::today().year())?;
        diesel::insert_into(shipments::table)
            .values((
                shipments::id.eq(shipment_id),
                shipments::number.eq(&number),
                shipments::order_id.eq(id),
                shipments::carrier.eq(input.carrier.trim()),
                shipments::tracking_number.eq(input
                    .tracking_number
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())),
                shipments::status.eq("shipped"),
                shipments::shipped_by.eq(&actor),
            ))
            .execute(c)?;
        for (ol, q) in &wanted {
            diesel::insert_into(shipment_lines::table)
                .values((
                    shipment_lines::id.eq(Uuid::now_v7()),
                    shipment_lines::shipment_id.eq(shipment_id),
                    shipment_lines::order_line_id.eq(ol.id),
                    shipment_lines::item_id.eq(ol.item_id),
                    shipment_lines::quantity.eq(*q),
                ))
                .execute(c)?;
            diesel::update(sales_order_lines::table.find(ol.id))
                .set(sales_order_lines::shipped.eq(sales_order_lines::shipped + *q))
                .execute(c)?;
        }
        complete_if_done(c, &o)?;
        detail(c, shipment_id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/shipments/{}", d.shipment.id)))
        .json(d))
}

/// Records the customer's signature on the delivery note; publishes `crm.shipment.delivered`.
#[utoipa::path(
    tag = "shipments",
    params(("id" = Uuid, Path, description = "shipment id")),
    request_body = DeliveryInput,
    responses(
        (status = 200, body = ShipmentDetail),
        (status = 409, description = "already delivered", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/shipments/{id}/deliver")]
async fn deliver_shipment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<DeliveryInput>,
) -> Result<web::Json<ShipmentDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("signed_delivery_note_ref", &input.signed_delivery_note_ref, 500);
    // A few minutes of leeway for the clocks of phones and laptops.
    v.check(
        input.delivered_at <= Utc::now() + Duration::minutes(5),
        "delivered_at",
        "must not be in the future",
    );
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = order_of_shipment(c, scope, id, true)?;
        let s = shipments::table
            .find(id)
            .select(Shipment::as_select())
            .for_update()
            .first(c)?;
        if s.status != "shipped" {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("shipment {} is already {}", s.number, s.status),
            });
        }
        let note_ref = input.signed_delivery_note_ref.trim().to_owned();
        diesel::update(shipments::table.find(id))
            .set((
                shipments::status.eq("delivered"),
                shipments::delivered_at.eq(input.delivered_at),
                shipments::signed_delivery_note_ref.eq(&note_ref),
                shipments::delivered_by.eq(&actor),
            ))
            .execute(c)?;
        let d = detail(c, id)?;
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
                signed_delivery_note_ref: note_ref.clone(),
            },
        )?;
        complete_if_done(c, &o)?;
        Ok(d)
    })
    .await?;
    Ok(web::Json(d))
}

/// How far the order is: per line and in total, what was ordered, requested of the warehouse,
/// issued, shipped, delivered and invoiced; and the money confirmed against the total.
#[utoipa::path(
    tag = "shipments",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderProgress),
    )
)]
#[get("/api/v1/orders/{id}/progress")]
async fn order_progress(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderProgress>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let p = erp_db::with_conn(&ctx.pool, move |c| {
        let o = db::visible_order(c, scope, id)?;
        let lines = db::order_lines(c, id)?;
        let delivered = fulfilment::delivered_by_line(c, id)?;
        let paid = fulfilment::receipts_total(c, id, &["confirmed"])?;
        let awaiting = fulfilment::receipts_total(c, id, &["recorded"])?;
        let lines: Vec<LineProgress> = lines
            .into_iter()
            .map(|l| LineProgress {
                order_line_id: l.id,
                line_no: l.line_no,
                item_id: l.item_id,
                ordered: quantity(l.quantity),
                requested: quantity(l.requested),
                issued: quantity(l.issued),
                shipped: quantity(l.shipped),
                delivered: quantity(delivered.get(&l.id).copied().unwrap_or(Decimal::ZERO)),
                invoiced: quantity(l.invoiced),
                description: l.description,
                unit: l.unit,
            })
            .collect();
        let sum = |f: fn(&LineProgress) -> Decimal| quantity(lines.iter().map(f).sum());
        let totals = QuantityTotals {
            ordered: sum(|l| l.ordered),
            requested: sum(|l| l.requested),
            issued: sum(|l| l.issued),
            shipped: sum(|l| l.shipped),
            delivered: sum(|l| l.delivered),
            invoiced: sum(|l| l.invoiced),
        };
        Ok(OrderProgress {
            order_id: o.id,
            order_number: o.number,
            status: o.status,
            money: MoneyProgress {
                currency: o.currency,
                total: money(o.total),
                paid: money(paid),
                awaiting_confirmation: money(awaiting),
                unpaid: money((o.total - paid).max(Decimal::ZERO)),
            },
            lines,
            totals,
        })
    })
    .await?;
    Ok(web::Json(p))
}
