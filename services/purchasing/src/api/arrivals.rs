//! Arrivals (seed 001 §2 ⑤): the purchaser tells the warehouse what of a purchase order arrived
//! and is to be counted in; the keeper's confirmation comes back as
//! `warehouse.inbound.confirmed`. Also the arrival reminders: orders whose goods are overdue
//! with nothing received.

use crate::app::arrivals::{self as app, ArrivalInput, ArrivalView};
use crate::db::arrivals::{ArrivalLineRow, ArrivalRow};
use crate::domain::roles::{ARRIVAL_READERS, BUYERS};
use crate::domain::settlement::ArrivalStatus;
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
    cfg.service(send_arrival_reminders)
        .service(list_arrivals)
        .service(get_arrival)
        .service(announce_arrival);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Arrival {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    /// `requested` (waiting for the warehouse keeper) or `confirmed`.
    #[schema(value_type = String)]
    pub status: ArrivalStatus,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    /// The warehouse's inbound note.
    pub note_id: Option<Uuid>,
    pub note_number: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<ArrivalRow> for Arrival {
    fn from(a: ArrivalRow) -> Self {
        Arrival {
            id: a.id,
            number: a.number,
            order_id: a.order_id,
            order_number: a.order_number,
            warehouse_id: a.warehouse_id,
            note: a.note,
            status: a.status,
            requested_by: a.requested_by,
            created_at: a.created_at,
            note_id: a.note_id,
            note_number: a.note_number,
            confirmed_at: a.confirmed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArrivalLine {
    pub id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    /// Announced to the warehouse.
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    /// Counted by the warehouse keeper, once confirmed.
    #[schema(value_type = Option<String>)]
    pub received: Option<Decimal>,
    /// The keeper's reason when the count differs from the announcement.
    pub discrepancy: Option<String>,
}

impl From<ArrivalLineRow> for ArrivalLine {
    fn from(l: ArrivalLineRow) -> Self {
        ArrivalLine {
            id: l.id,
            order_line_id: l.order_line_id,
            item_id: l.item_id,
            quantity: l.quantity,
            unit_cost: l.unit_cost,
            received: l.received,
            discrepancy: l.discrepancy,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArrivalDetail {
    #[serde(flatten)]
    pub arrival: Arrival,
    pub lines: Vec<ArrivalLine>,
}

impl From<ArrivalView> for ArrivalDetail {
    fn from(v: ArrivalView) -> Self {
        ArrivalDetail {
            arrival: v.arrival.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemindersSent {
    /// Orders reminded now (each order is reminded once).
    pub reminded: usize,
}

#[utoipa::path(
    tag = "arrivals",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = Vec<ArrivalDetail>),
    )
)]
#[get("/api/v1/purchase-orders/{id}/arrivals")]
async fn list_arrivals(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ArrivalDetail>>, AppError> {
    user.require_any(&ARRIVAL_READERS)?;
    let id = id.into_inner();
    let views = erp_db::with_conn(&ctx.pool, move |c| app::of_order(c, id)).await?;
    Ok(web::Json(views.into_iter().map(Into::into).collect()))
}

#[utoipa::path(
    tag = "arrivals",
    params(("id" = Uuid, Path, description = "arrival id")),
    responses(
        (status = 200, body = ArrivalDetail),
    )
)]
#[get("/api/v1/arrivals/{id}")]
async fn get_arrival(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ArrivalDetail>, AppError> {
    if !user.has_any_role(&ARRIVAL_READERS) {
        return Err(AppError::not_found("arrival"));
    }
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(v.into()))
}

/// The purchaser announces what arrived of an approved, sent or partially received order, for
/// the warehouse keeper to count in. Per line, everything announced may exceed the ordered
/// quantity by the over-receipt tolerance (5 % unless changed) and no more.
#[utoipa::path(
    tag = "arrivals",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = ArrivalInput,
    responses(
        (status = 201, body = ArrivalDetail),
        (status = 409, description = "the order is not open for receipt", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a quantity beyond the over-receipt tolerance, or another invalid value", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/arrivals")]
async fn announce_arrival(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ArrivalInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::announce(c, &user, id, &input, &meta)).await?;
    let d = ArrivalDetail::from(v);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/arrivals/{}", d.arrival.id)))
        .json(d))
}

/// Sends the purchase arrival reminders due today (seed 001 §8: the purchaser sees overdue
/// arrivals): for buyers (an employee, or the scheduler's API key holding a buyer role). Each
/// order is reminded once.
#[utoipa::path(
    tag = "arrivals",
    responses(
        (status = 200, body = RemindersSent),
    )
)]
#[post("/api/v1/purchase-orders/arrival-reminders")]
async fn send_arrival_reminders(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
) -> Result<web::Json<RemindersSent>, AppError> {
    // The scheduler's API key is given a buyer role like anyone else who may send them.
    user.require_any(&BUYERS)?;
    let meta = ctx.event_meta(&user);
    let reminded = erp_db::transaction(&ctx.pool, move |c| app::reminders_job(c, &meta)).await?;
    Ok(web::Json(RemindersSent { reminded }))
}
