//! Inbound notes: purchase arrivals (`purchasing.inbound.requested`), finished goods
//! (`production.receipt.requested`) and returns by hand. The keeper counts what arrived and
//! confirms it, explaining any difference; `warehouse.inbound.confirmed` follows.

use super::KEEPERS;
use crate::db::notes::{self, NewNote, NoteLine};
use crate::db::stock::{self, Move, StockError};
use crate::db::{self, InboundLine, InboundNote, schema::inbound_note_lines, schema::inbound_notes};
use crate::domain::MovementKind;
use crate::domain::quantity;
use crate::domain::status::{InboundAction, InboundStatus};
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::warehouse::{InboundConfirmed, ReceivedLine, SourceRef};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundNoteDetail {
    #[serde(flatten)]
    pub note: InboundNote,
    pub lines: Vec<InboundLine>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    /// `open`, `received` or `cancelled`.
    pub status: Option<String>,
    pub warehouse_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundPage {
    pub items: Vec<InboundNote>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnLine {
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Cost of the returned goods; the current average when absent.
    #[schema(value_type = Option<String>)]
    pub unit_cost: Option<Decimal>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReturn {
    pub warehouse_id: Option<Uuid>,
    /// Who returns the goods.
    pub party: String,
    pub note: Option<String>,
    pub lines: Vec<ReturnLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceivedInput {
    pub line_id: Uuid,
    #[schema(value_type = String)]
    pub received: Decimal,
    /// Required when `received` differs from what was expected.
    pub discrepancy: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmInbound {
    /// Every line of the note, with what was counted.
    pub lines: Vec<ReceivedInput>,
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
    if let Some(s) = &q.status {
        InboundStatus::parse(s)
            .map_err(|_| AppError::validation("status", "must be one of open, received, cancelled"))?;
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = inbound_notes::table
            .select(InboundNote::as_select())
            .order(inbound_notes::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(inbound_notes::status.eq(s));
        }
        if let Some(w) = q.warehouse_id {
            sql = sql.filter(inbound_notes::warehouse_id.eq(w));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(inbound_notes::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |n| n.id);
        Ok(InboundPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<InboundNoteDetail, AppError> {
    let note = inbound_notes::table
        .find(id)
        .select(InboundNote::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inbound note"))?;
    let lines = db::inbound_lines(c, id)?;
    Ok(InboundNoteDetail { note, lines })
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
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| detail(c, id)).await?))
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
    let req = body.into_inner();
    let mut v = Validator::new();
    v.text("party", &req.party, 300)
        .optional_text("note", req.note.as_deref(), 1000);
    v.finish()?;
    let new = NewNote {
        source: SourceRef {
            kind: "manual".into(),
            id: Uuid::now_v7(),
            number: None,
        },
        warehouse_id: req.warehouse_id,
        party: Some(req.party),
        note: req.note,
        requested_by: user.actor(),
        lines: req
            .lines
            .into_iter()
            .map(|l| NoteLine {
                source_line_id: None,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: l.unit_cost,
            })
            .collect(),
    };
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let note = notes::create_inbound(c, "return", &new)?;
        detail(c, note.id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/inbound-notes/{}", d.note.id)))
        .json(d))
}

fn lock_note(c: &mut PgConnection, id: Uuid) -> Result<InboundNote, AppError> {
    inbound_notes::table
        .find(id)
        .select(InboundNote::as_select())
        .for_update()
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inbound note"))
}

fn movement_kind(note_kind: &str) -> MovementKind {
    match note_kind {
        "purchase" => MovementKind::PurchaseReceipt,
        "production" => MovementKind::ProductionReceipt,
        _ => MovementKind::SalesReturn,
    }
}

fn confirm(
    c: &mut PgConnection,
    id: Uuid,
    input: &[ReceivedInput],
    actor: &str,
    meta: &EventMeta,
) -> Result<InboundNoteDetail, AppError> {
    let note = lock_note(c, id)?;
    InboundStatus::parse(&note.status)?.transition(InboundAction::Confirm)?;
    let lines = db::inbound_lines(c, id)?;
    let given: HashMap<Uuid, (usize, &ReceivedInput)> =
        input.iter().enumerate().map(|(i, r)| (r.line_id, (i, r))).collect();
    let mut v = Validator::new();
    v.check(given.len() == input.len(), "lines", "a line appears twice");
    for (i, r) in input.iter().enumerate() {
        quantity::check_non_negative(&mut v, &format!("lines[{i}].received"), r.received);
        match lines.iter().find(|l| l.id == r.line_id) {
            None => {
                v.add(format!("lines[{i}].line_id"), "not a line of this note");
            }
            Some(l) if r.received != l.expected && r.discrepancy.as_deref().is_none_or(|d| d.trim().is_empty()) => {
                v.add(
                    format!("lines[{i}].discrepancy"),
                    format!(
                        "{} expected, {} received: say why",
                        quantity::scaled(l.expected),
                        quantity::scaled(r.received)
                    ),
                );
            }
            Some(_) => {}
        }
    }
    for l in &lines {
        if !given.contains_key(&l.id) {
            v.add(
                "lines",
                format!(
                    "line {} is missing: confirm every line (0 when nothing came)",
                    l.line_no
                ),
            );
        }
    }
    v.finish()?;
    let kind = movement_kind(&note.kind);
    let moves: Vec<Move> = lines
        .iter()
        .filter_map(|l| given.get(&l.id).map(|(_, r)| (l, *r)))
        .filter(|(_, r)| r.received > Decimal::ZERO)
        .map(|(l, r)| Move {
            item_id: l.item_id,
            warehouse_id: note.warehouse_id,
            quantity: r.received,
            kind,
            source_line_id: Some(l.id),
            unit_cost: Some(l.unit_cost),
            reason: r.discrepancy.clone(),
        })
        .collect();
    let ledger_source = SourceRef {
        kind: "warehouse.inbound_note".into(),
        id: note.id,
        number: Some(note.number.clone()),
    };
    if !moves.is_empty() {
        stock::apply(c, &moves, &ledger_source, actor, meta).map_err(|e| match e {
            StockError::App(e) => e,
            StockError::Short(_) => AppError::internal("a receipt cannot be short of stock"),
        })?;
    }
    let mut received = Vec::with_capacity(lines.len());
    for l in &lines {
        let Some((_, r)) = given.get(&l.id) else {
            continue;
        };
        let discrepancy = r
            .discrepancy
            .as_ref()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        diesel::update(inbound_note_lines::table.find(l.id))
            .set((
                inbound_note_lines::received.eq(Some(r.received)),
                inbound_note_lines::discrepancy.eq(&discrepancy),
            ))
            .execute(c)?;
        received.push(ReceivedLine {
            line_id: l.id,
            source_line_id: l.source_line_id,
            item_id: l.item_id,
            expected: l.expected,
            received: r.received,
            unit_cost: l.unit_cost,
            discrepancy,
        });
    }
    diesel::update(inbound_notes::table.find(id))
        .set((
            inbound_notes::status.eq(InboundStatus::Received.as_str()),
            inbound_notes::confirmed_by.eq(actor),
            inbound_notes::confirmed_at.eq(Utc::now()),
            inbound_notes::version.eq(inbound_notes::version + 1),
            inbound_notes::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    erp_bus::enqueue(
        c,
        meta,
        &InboundConfirmed {
            note_id: note.id,
            note_number: note.number.clone(),
            kind: note.kind.clone(),
            source: SourceRef {
                kind: note.source_kind.clone(),
                id: note.source_id,
                number: note.source_number.clone(),
            },
            warehouse_id: note.warehouse_id,
            lines: received,
        },
    )?;
    detail(c, id)
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
    let input = body.into_inner().lines;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    Ok(web::Json(
        erp_db::transaction(&ctx.pool, move |c| confirm(c, id, &input, &actor, &meta)).await?,
    ))
}

/// Nothing will arrive for this note.
#[utoipa::path(
    tag = "inbound",
    params(("id" = Uuid, Path, description = "inbound note id")),
    request_body = CancelInbound,
    responses(
        (status = 200, body = InboundNoteDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
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
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let note = lock_note(c, id)?;
        let next = InboundStatus::parse(&note.status)?.transition(InboundAction::Cancel)?;
        diesel::update(inbound_notes::table.find(id))
            .set((
                inbound_notes::status.eq(next.as_str()),
                inbound_notes::note.eq(Some(match &note.note {
                    Some(n) => format!("{n}\ncancelled: {reason}"),
                    None => format!("cancelled: {reason}"),
                })),
                inbound_notes::version.eq(inbound_notes::version + 1),
                inbound_notes::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}
