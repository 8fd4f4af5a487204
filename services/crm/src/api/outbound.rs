//! Outbound requests: a salesperson asks the warehouse to issue goods of an approved order,
//! in part or in full. Each request raises the order lines' `requested`, moves the order to
//! `in_fulfilment` and publishes `crm.outbound.requested`; the warehouse's confirmations come
//! back as `warehouse.outbound.confirmed` (see `events::fulfilment`).

use super::SELLERS;
use crate::app::outbound::{self, OutboundRequestInput, RequestView};
use crate::db::outbound::{OutboundRequest as RequestRow, OutboundRequestLine as RequestLineRow};
use crate::domain::fulfilment::OutboundStatus;
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
    cfg.service(list_outbound_requests)
        .service(get_outbound_request)
        .service(request_outbound);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboundRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    /// The default warehouse when absent.
    pub warehouse_id: Option<Uuid>,
    /// As the warehouse last reported: `open`, `partially_issued`, `issued`, `cancelled`.
    #[schema(value_type = String)]
    pub status: OutboundStatus,
    /// The warehouse's outbound note, once it reported on it.
    pub note_number: Option<String>,
    /// The note's id, once the warehouse reported on it: warehouse's
    /// `GET /api/v1/outbound-notes/{id}` (before that, its list with `source_id` = this request).
    pub note_id: Option<Uuid>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboundRequestLine {
    /// The id the warehouse's note line refers to (`source_line_id`).
    pub id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub issued: Decimal,
    /// Closed by the warehouse without leaving; may be requested again.
    #[schema(value_type = String)]
    pub cancelled: Decimal,
    /// What the issued goods cost (warehouse moving average × quantity).
    #[schema(value_type = String)]
    pub issued_cost: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboundRequestDetail {
    #[serde(flatten)]
    pub request: OutboundRequest,
    pub lines: Vec<OutboundRequestLine>,
}

impl From<RequestRow> for OutboundRequest {
    fn from(r: RequestRow) -> Self {
        OutboundRequest {
            id: r.id,
            number: r.number,
            order_id: r.order_id,
            warehouse_id: r.warehouse_id,
            status: r.status,
            note_number: r.note_number,
            note_id: r.note_id,
            requested_by: r.requested_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl From<RequestLineRow> for OutboundRequestLine {
    fn from(l: RequestLineRow) -> Self {
        OutboundRequestLine {
            id: l.id,
            order_line_id: l.order_line_id,
            item_id: l.item_id,
            quantity: l.quantity,
            issued: l.issued,
            cancelled: l.cancelled,
            issued_cost: l.issued_cost,
        }
    }
}

impl From<RequestView> for OutboundRequestDetail {
    fn from(v: RequestView) -> Self {
        OutboundRequestDetail {
            request: v.request.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
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
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| outbound::of_order(c, &user, id)).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
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
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| outbound::get(c, &user, id)).await?;
    Ok(web::Json(d.into()))
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
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let d: OutboundRequestDetail =
        erp_db::transaction(&ctx.pool, move |c| outbound::request(c, &user, id, &input, &meta))
            .await?
            .into();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/outbound-requests/{}", d.request.id)))
        .json(d))
}
