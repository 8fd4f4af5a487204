//! Outbound notes: goods leaving the warehouse for a sales order (from `crm.outbound.requested`),
//! or by hand. The keeper confirms what actually left; what stock cannot cover stays open and a
//! `warehouse.stock.shortage` goes to purchasing.

use super::KEEPERS;
use crate::app::outbound::{self as app, ConfirmOutbound, ConfirmOutcome, NewOutbound, OutboundDetail};
use crate::db::NoteFilter;
use crate::db::outbound::{OutboundLine as LineRow, OutboundNote as NoteRow};
use crate::domain::status::OutboundStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_outbound_notes)
        .service(get_outbound_note)
        .service(create_outbound_note)
        .service(confirm_outbound_note)
        .service(cancel_outbound_rest);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboundNote {
    pub id: Uuid,
    pub number: String,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub warehouse_id: Uuid,
    /// `open`, `partially_issued`, `issued` or `cancelled`.
    #[schema(value_type = String)]
    pub status: OutboundStatus,
    /// Customer or other receiving party.
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<NoteRow> for OutboundNote {
    fn from(r: NoteRow) -> Self {
        OutboundNote {
            id: r.id,
            number: r.number,
            source_kind: r.source_kind,
            source_id: r.source_id,
            source_number: r.source_number,
            warehouse_id: r.warehouse_id,
            status: r.status,
            party: r.party,
            note: r.note,
            requested_by: r.requested_by,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboundLine {
    pub id: Uuid,
    pub line_no: i32,
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub requested: Decimal,
    #[schema(value_type = String)]
    pub issued: Decimal,
    #[schema(value_type = String)]
    pub cancelled: Decimal,
    #[serde(flatten)]
    pub item: super::LineItem,
}

impl From<LineRow> for OutboundLine {
    fn from(r: LineRow) -> Self {
        OutboundLine {
            id: r.id,
            line_no: r.line_no,
            source_line_id: r.source_line_id,
            item_id: r.item_id,
            requested: r.requested,
            issued: r.issued,
            cancelled: r.cancelled,
            item: super::LineItem::default(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboundNoteDetail {
    #[serde(flatten)]
    pub note: OutboundNote,
    pub lines: Vec<OutboundLine>,
}

impl From<OutboundDetail> for OutboundNoteDetail {
    fn from(d: OutboundDetail) -> Self {
        OutboundNoteDetail {
            note: d.note.into(),
            lines: d
                .lines
                .into_iter()
                .map(|r| OutboundLine {
                    item: super::LineItem::of(&d.items, r.item_id),
                    ..r.into()
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoteQuery {
    /// `open`, `partially_issued`, `issued`, `cancelled`.
    #[param(value_type = Option<OutboundStatus>, inline)]
    pub status: Option<String>,
    pub warehouse_id: Option<Uuid>,
    /// Only the notes made for this document (a sales order, a purchase order's arrival, …).
    pub source_id: Option<Uuid>,
    /// Only the notes made for the document with this number (e.g. `SO-2026-000123`).
    pub source_number: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboundPage {
    pub items: Vec<OutboundNote>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelRest {
    pub reason: String,
}

#[utoipa::path(
    tag = "outbound",
    params(NoteQuery),
    responses(
        (status = 200, body = OutboundPage),
    )
)]
#[get("/api/v1/outbound-notes")]
async fn list_outbound_notes(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<NoteQuery>,
) -> Result<web::Json<OutboundPage>, AppError> {
    let q = query.into_inner();
    let status = q
        .status
        .as_deref()
        .map(|s| OutboundStatus::parse_field("status", s))
        .transpose()?;
    let filter = NoteFilter {
        status,
        warehouse_id: q.warehouse_id,
        source_id: q.source_id,
        source_number: erp_problem::clean(q.source_number.as_deref()),
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, paging))
        .await?
        .map(OutboundNote::from);
    Ok(web::Json(OutboundPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "outbound note id")),
    responses(
        (status = 200, body = OutboundNoteDetail),
    )
)]
#[get("/api/v1/outbound-notes/{id}")]
async fn get_outbound_note(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OutboundNoteDetail>, AppError> {
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| app::detail(c, id)).await?;
    Ok(web::Json(d.into()))
}

/// An outbound note made by hand (samples, scrap, returns to a supplier).
#[utoipa::path(
    tag = "outbound",
    request_body = NewOutbound,
    responses(
        (status = 201, body = OutboundNoteDetail),
    )
)]
#[post("/api/v1/outbound-notes")]
async fn create_outbound_note(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewOutbound>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("note", &input.note, 1000)
        .optional_text("party", input.party.as_deref(), 300);
    v.finish()?;
    let d = OutboundNoteDetail::from(erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/outbound-notes/{}", d.note.id)))
        .json(d))
}

/// Confirms what actually left the warehouse. All lines or none: when stock cannot cover a
/// line, nothing is issued (409 `insufficient-stock`, naming the lines), the note stays open
/// and `warehouse.stock.shortage` is published for each short line. Otherwise stock falls and
/// `warehouse.outbound.confirmed` carries the quantities and unit costs.
#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "outbound note id")),
    request_body = ConfirmOutbound,
    responses(
        (status = 200, body = OutboundNoteDetail),
        (status = 409, description = "insufficient stock, or the note is no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/outbound-notes/{id}/confirm")]
async fn confirm_outbound_note(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ConfirmOutbound>,
) -> Result<web::Json<OutboundNoteDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let meta = ctx.event_meta(&user);
    // A shortage commits (its events are kept) and then answers 409.
    match erp_db::transaction(&ctx.pool, move |c| app::confirm(c, &user, id, &input, &meta)).await? {
        ConfirmOutcome::Done(d) => Ok(web::Json((*d).into())),
        ConfirmOutcome::Short(s) => Err(app::insufficient(&s)),
    }
}

/// Closes what is still open on the note (the order changed, the goods will not be sent).
#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "outbound note id")),
    request_body = CancelRest,
    responses(
        (status = 200, body = OutboundNoteDetail),
        (status = 409, description = "the note is no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/outbound-notes/{id}/cancel-rest")]
async fn cancel_outbound_rest(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CancelRest>,
) -> Result<web::Json<OutboundNoteDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let reason = body.into_inner().reason;
    let mut v = Validator::new();
    v.text("reason", &reason, 1000);
    v.finish()?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| app::cancel_rest(c, id, &reason, &meta)).await?;
    Ok(web::Json(d.into()))
}
