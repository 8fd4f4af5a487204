//! Inbound notes: purchase arrivals (`purchasing.inbound.requested`), finished goods
//! (`production.receipt.requested`) and returns by hand. The keeper counts what arrived and
//! confirms it, explaining any difference; `warehouse.inbound.confirmed` follows.

use super::KEEPERS;
use crate::app::inbound::{self as app, ConfirmInbound, InboundDetail, NewReturn};
use crate::db::NoteFilter;
use crate::db::inbound::{InboundLine as LineRow, InboundNote as NoteRow};
use crate::domain::InboundKind;
use crate::domain::status::InboundStatus;
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
    cfg.service(list_inbound_notes)
        .service(get_inbound_note)
        .service(create_inbound_note)
        .service(confirm_inbound_note)
        .service(cancel_inbound_note);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboundNote {
    pub id: Uuid,
    pub number: String,
    /// `purchase`, `production` or `return`.
    #[schema(value_type = String)]
    pub kind: InboundKind,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub warehouse_id: Uuid,
    /// `open`, `received` or `cancelled`.
    #[schema(value_type = String)]
    pub status: InboundStatus,
    /// Supplier or returning customer.
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<NoteRow> for InboundNote {
    fn from(r: NoteRow) -> Self {
        InboundNote {
            id: r.id,
            number: r.number,
            kind: r.kind,
            source_kind: r.source_kind,
            source_id: r.source_id,
            source_number: r.source_number,
            warehouse_id: r.warehouse_id,
            status: r.status,
            party: r.party,
            note: r.note,
            requested_by: r.requested_by,
            confirmed_by: r.confirmed_by,
            confirmed_at: r.confirmed_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboundLine {
    pub id: Uuid,
    pub line_no: i32,
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub expected: Decimal,
    #[schema(value_type = Option<String>)]
    pub received: Option<Decimal>,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    pub discrepancy: Option<String>,
    #[serde(flatten)]
    pub item: super::LineItem,
}

impl From<LineRow> for InboundLine {
    fn from(r: LineRow) -> Self {
        InboundLine {
            id: r.id,
            line_no: r.line_no,
            source_line_id: r.source_line_id,
            item_id: r.item_id,
            expected: r.expected,
            received: r.received,
            unit_cost: r.unit_cost,
            discrepancy: r.discrepancy,
            item: super::LineItem::default(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundNoteDetail {
    #[serde(flatten)]
    pub note: InboundNote,
    pub lines: Vec<InboundLine>,
}

impl From<InboundDetail> for InboundNoteDetail {
    fn from(d: InboundDetail) -> Self {
        InboundNoteDetail {
            note: d.note.into(),
            lines: d
                .lines
                .into_iter()
                .map(|r| InboundLine {
                    item: super::LineItem::of(&d.items, r.item_id),
                    ..r.into()
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    /// `open`, `received` or `cancelled`.
    #[param(value_type = Option<InboundStatus>, inline)]
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
pub struct InboundPage {
    pub items: Vec<InboundNote>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelInbound {
    pub reason: String,
}

#[utoipa::path(
    tag = "inbound",
    params(InboundQuery),
    responses(
        (status = 200, body = InboundPage),
    )
)]
#[get("/api/v1/inbound-notes")]
async fn list_inbound_notes(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<InboundQuery>,
) -> Result<web::Json<InboundPage>, AppError> {
    let q = query.into_inner();
    let status = q
        .status
        .as_deref()
        .map(|s| InboundStatus::parse_field("status", s))
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
        .map(InboundNote::from);
    Ok(web::Json(InboundPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(
    tag = "inbound",
    params(("id" = Uuid, Path, description = "inbound note id")),
    responses(
        (status = 200, body = InboundNoteDetail),
    )
)]
#[get("/api/v1/inbound-notes/{id}")]
async fn get_inbound_note(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<InboundNoteDetail>, AppError> {
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| app::detail(c, id)).await?;
    Ok(web::Json(d.into()))
}

/// A return by hand: goods coming back from a customer.
#[utoipa::path(
    tag = "inbound",
    request_body = NewReturn,
    responses(
        (status = 201, body = InboundNoteDetail),
    )
)]
#[post("/api/v1/inbound-notes")]
async fn create_inbound_note(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewReturn>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("party", &input.party, 300)
        .optional_text("note", input.note.as_deref(), 1000);
    v.finish()?;
    let d =
        InboundNoteDetail::from(erp_db::transaction(&ctx.pool, move |c| app::create_return(c, &user, &input)).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/inbound-notes/{}", d.note.id)))
        .json(d))
}

/// Confirms what arrived: stock rises at each line's cost and `warehouse.inbound.confirmed`
/// is published. A line received in another quantity than expected needs a `discrepancy`.
#[utoipa::path(
    tag = "inbound",
    params(("id" = Uuid, Path, description = "inbound note id")),
    request_body = ConfirmInbound,
    responses(
        (status = 200, body = InboundNoteDetail),
        (status = 409, description = "the note is no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/inbound-notes/{id}/confirm")]
async fn confirm_inbound_note(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ConfirmInbound>,
) -> Result<web::Json<InboundNoteDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| app::confirm(c, &user, id, &input, &meta)).await?;
    Ok(web::Json(d.into()))
}

/// Nothing will arrive for this note.
#[utoipa::path(
    tag = "inbound",
    params(("id" = Uuid, Path, description = "inbound note id")),
    request_body = CancelInbound,
    responses(
        (status = 200, body = InboundNoteDetail),
        (status = 409, description = "the note is no longer open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/inbound-notes/{id}/cancel")]
async fn cancel_inbound_note(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CancelInbound>,
) -> Result<web::Json<InboundNoteDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let reason = body.into_inner().reason;
    let mut v = Validator::new();
    v.text("reason", &reason, 1000);
    v.finish()?;
    let id = id.into_inner();
    let d = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, id, &reason)).await?;
    Ok(web::Json(d.into()))
}
