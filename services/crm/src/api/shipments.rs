//! Shipments: the salesperson ships what the warehouse issued (carrier, tracking number) and
//! records the customer's signed delivery note, which publishes `crm.shipment.delivered`. An
//! order whose lines are all shipped and whose confirmed receipts cover the total is
//! completed. Also the order's progress: ordered, requested, issued, shipped, delivered and
//! invoiced per line, and the money received.

use super::SELLERS;
use crate::app::progress::{self, ProgressView};
use crate::app::shipments::{self, DeliveryInput, ShipmentInput, ShipmentView};
use crate::db::shipments::{Shipment as ShipmentRow, ShipmentLine as ShipmentLineRow};
use crate::domain::documents::OrderStatus;
use crate::domain::fulfilment::{ShipmentStatus, money, quantity};
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::Serialize;
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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Shipment {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub carrier: String,
    pub tracking_number: Option<String>,
    /// `shipped` or `delivered`.
    #[schema(value_type = String)]
    pub status: ShipmentStatus,
    pub shipped_by: String,
    pub shipped_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Reference of the customer's signed delivery note (scan).
    pub signed_delivery_note_ref: Option<String>,
    pub delivered_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShipmentLine {
    pub id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentDetail {
    #[serde(flatten)]
    pub shipment: Shipment,
    pub lines: Vec<ShipmentLine>,
}

impl From<ShipmentRow> for Shipment {
    fn from(s: ShipmentRow) -> Self {
        Shipment {
            id: s.id,
            number: s.number,
            order_id: s.order_id,
            carrier: s.carrier,
            tracking_number: s.tracking_number,
            status: s.status,
            shipped_by: s.shipped_by,
            shipped_at: s.shipped_at,
            delivered_at: s.delivered_at,
            signed_delivery_note_ref: s.signed_delivery_note_ref,
            delivered_by: s.delivered_by,
        }
    }
}

impl From<ShipmentLineRow> for ShipmentLine {
    fn from(l: ShipmentLineRow) -> Self {
        ShipmentLine {
            id: l.id,
            order_line_id: l.order_line_id,
            item_id: l.item_id,
            quantity: l.quantity,
        }
    }
}

impl From<ShipmentView> for ShipmentDetail {
    fn from(v: ShipmentView) -> Self {
        ShipmentDetail {
            shipment: v.shipment.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
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
    #[schema(value_type = String)]
    pub status: OrderStatus,
    pub lines: Vec<LineProgress>,
    pub totals: QuantityTotals,
    pub money: MoneyProgress,
}

impl From<ProgressView> for OrderProgress {
    fn from(p: ProgressView) -> Self {
        let lines: Vec<LineProgress> = p
            .lines
            .into_iter()
            .map(|v| LineProgress {
                order_line_id: v.line.id,
                line_no: v.line.line_no,
                item_id: v.line.item_id,
                ordered: quantity(v.line.quantity),
                requested: quantity(v.line.requested),
                issued: quantity(v.line.issued),
                shipped: quantity(v.line.shipped),
                delivered: quantity(v.delivered),
                invoiced: quantity(v.line.invoiced),
                description: v.line.description,
                unit: v.line.unit,
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
        let o = p.order;
        OrderProgress {
            order_id: o.id,
            order_number: o.number,
            status: o.status,
            money: MoneyProgress {
                currency: o.currency,
                total: money(o.total),
                paid: money(p.paid),
                awaiting_confirmation: money(p.awaiting_confirmation),
                unpaid: money((o.total - p.paid).max(Decimal::ZERO)),
            },
            lines,
            totals,
        }
    }
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
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| shipments::of_order(c, &user, id)).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
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
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| shipments::get(c, &user, id)).await?;
    Ok(web::Json(d.into()))
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
    let (id, input) = (id.into_inner(), body.into_inner());
    let d: ShipmentDetail = erp_db::transaction(&ctx.pool, move |c| shipments::create(c, &user, id, &input))
        .await?
        .into();
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
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| shipments::deliver(c, &user, id, &input, &meta)).await?;
    Ok(web::Json(d.into()))
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
    let id = id.into_inner();
    let p = erp_db::with_conn(&ctx.pool, move |c| progress::progress(c, &user, id)).await?;
    Ok(web::Json(p.into()))
}
