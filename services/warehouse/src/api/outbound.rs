//! Outbound notes: goods leaving the warehouse for a sales order (from `crm.outbound.requested`),
//! or by hand. The keeper confirms what actually left; what stock cannot cover stays open and a
//! `warehouse.stock.shortage` goes to purchasing.

use super::KEEPERS;
use crate::db::notes::{self, NewNote, NoteLine};
use crate::db::stock::{self, Move, Shortage, StockError};
use crate::db::{self, OutboundLine, OutboundNote, schema::outbound_note_lines, schema::outbound_notes};
use crate::domain::MovementKind;
use crate::domain::quantity;
use crate::domain::status::OutboundStatus;
use actix_web::{HttpResponse, get, http::StatusCode, http::header, post, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::warehouse::{IssuedLine, OutboundConfirmed, SourceRef, StockShortage};
use erp_problem::{AppError, FieldError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
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

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboundNoteDetail {
    #[serde(flatten)]
    pub note: OutboundNote,
    pub lines: Vec<OutboundLine>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoteQuery {
    /// `open`, `partially_issued`, `issued`, `cancelled`.
    pub status: Option<String>,
    pub warehouse_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboundPage {
    pub items: Vec<OutboundNote>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ManualLine {
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOutbound {
    /// Default warehouse when absent.
    pub warehouse_id: Option<Uuid>,
    /// Who receives the goods.
    pub party: Option<String>,
    /// Why the goods leave (sample, scrap, return to supplier…).
    pub note: String,
    pub lines: Vec<ManualLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmLine {
    pub line_id: Uuid,
    /// What actually left the warehouse (at most what is still open on the line).
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmOutbound {
    pub lines: Vec<ConfirmLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelRest {
    pub reason: String,
}

fn statuses() -> [&'static str; 4] {
    [
        OutboundStatus::Open.as_str(),
        OutboundStatus::PartiallyIssued.as_str(),
        OutboundStatus::Issued.as_str(),
        OutboundStatus::Cancelled.as_str(),
    ]
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
    if let Some(s) = &q.status
        && !statuses().contains(&s.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", statuses().join(", ")),
        ));
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = outbound_notes::table
            .select(OutboundNote::as_select())
            .order(outbound_notes::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(outbound_notes::status.eq(s));
        }
        if let Some(w) = q.warehouse_id {
            sql = sql.filter(outbound_notes::warehouse_id.eq(w));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(outbound_notes::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |n| n.id);
        Ok(OutboundPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<OutboundNoteDetail, AppError> {
    let note = outbound_notes::table
        .find(id)
        .select(OutboundNote::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("outbound note"))?;
    let lines = db::outbound_lines(c, id)?;
    Ok(OutboundNoteDetail { note, lines })
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
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| detail(c, id)).await?))
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
    let req = body.into_inner();
    let mut v = Validator::new();
    v.text("note", &req.note, 1000)
        .optional_text("party", req.party.as_deref(), 300);
    v.finish()?;
    let new = NewNote {
        source: SourceRef {
            kind: "manual".into(),
            id: Uuid::now_v7(),
            number: None,
        },
        warehouse_id: req.warehouse_id,
        party: req.party,
        note: Some(req.note),
        requested_by: user.actor(),
        lines: req
            .lines
            .into_iter()
            .map(|l| NoteLine {
                source_line_id: None,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: None,
            })
            .collect(),
    };
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let note = notes::create_outbound(c, &new)?;
        detail(c, note.id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/outbound-notes/{}", d.note.id)))
        .json(d))
}

enum ConfirmOutcome {
    Done(Box<OutboundNoteDetail>),
    Short(Vec<(usize, Shortage)>),
}

fn movement_kind(source_kind: &str) -> MovementKind {
    match source_kind {
        "crm.outbound_request" => MovementKind::SalesIssue,
        "production.requisition" => MovementKind::MaterialIssue,
        _ => MovementKind::Adjustment,
    }
}

fn note_source(note: &OutboundNote) -> SourceRef {
    SourceRef {
        kind: note.source_kind.clone(),
        id: note.source_id,
        number: note.source_number.clone(),
    }
}

fn lock_note(c: &mut PgConnection, id: Uuid) -> Result<OutboundNote, AppError> {
    outbound_notes::table
        .find(id)
        .select(OutboundNote::as_select())
        .for_update()
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("outbound note"))
}

/// Saves the lines' new state and the note's status that follows from them.
fn save_progress(
    c: &mut PgConnection,
    note: &OutboundNote,
    lines: &[OutboundLine],
) -> Result<OutboundStatus, AppError> {
    for l in lines {
        diesel::update(outbound_note_lines::table.find(l.id))
            .set((
                outbound_note_lines::issued.eq(l.issued),
                outbound_note_lines::cancelled.eq(l.cancelled),
            ))
            .execute(c)?;
    }
    let status = OutboundStatus::from_lines(
        &lines
            .iter()
            .map(|l| (l.requested, l.issued, l.cancelled))
            .collect::<Vec<_>>(),
    );
    diesel::update(outbound_notes::table.find(note.id))
        .set((
            outbound_notes::status.eq(status.as_str()),
            outbound_notes::version.eq(outbound_notes::version + 1),
            outbound_notes::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(status)
}

fn confirm(
    c: &mut PgConnection,
    id: Uuid,
    wanted: &[ConfirmLine],
    actor: &str,
    meta: &EventMeta,
) -> Result<ConfirmOutcome, AppError> {
    let note = lock_note(c, id)?;
    OutboundStatus::parse(&note.status)?.check_open("confirm")?;
    let mut lines = db::outbound_lines(c, id)?;
    let index: HashMap<Uuid, usize> = lines.iter().enumerate().map(|(i, l)| (l.id, i)).collect();
    let mut v = Validator::new();
    let mut seen = HashSet::new();
    v.check(!wanted.is_empty(), "lines", "must confirm at least one line");
    for (i, w) in wanted.iter().enumerate() {
        quantity::check_positive(&mut v, &format!("lines[{i}].quantity"), w.quantity);
        match index.get(&w.line_id) {
            None => {
                v.add(format!("lines[{i}].line_id"), "not a line of this note");
            }
            Some(&li) => {
                if !seen.insert(w.line_id) {
                    v.add(format!("lines[{i}].line_id"), "appears twice");
                } else if w.quantity > lines[li].open_quantity() {
                    v.add(
                        format!("lines[{i}].quantity"),
                        format!(
                            "only {} is still open on this line",
                            quantity::scaled(lines[li].open_quantity())
                        ),
                    );
                }
            }
        }
    }
    v.finish()?;
    let kind = movement_kind(&note.source_kind);
    let moves: Vec<Move> = wanted
        .iter()
        .filter_map(|w| index.get(&w.line_id).map(|&li| (w, &lines[li])))
        .map(|(w, l)| Move {
            item_id: l.item_id,
            warehouse_id: note.warehouse_id,
            quantity: -w.quantity,
            kind,
            source_line_id: Some(l.id),
            unit_cost: None,
            reason: None,
        })
        .collect();
    let ledger_source = SourceRef {
        kind: "warehouse.outbound_note".into(),
        id: note.id,
        number: Some(note.number.clone()),
    };
    match stock::apply(c, &moves, &ledger_source, actor, meta) {
        Ok(applied) => {
            let mut issued = Vec::with_capacity(applied.len());
            for a in &applied {
                let Some(&li) = a.source_line_id.and_then(|lid| index.get(&lid)) else {
                    continue;
                };
                let line = &mut lines[li];
                line.issued += -a.quantity;
                issued.push(IssuedLine {
                    line_id: line.id,
                    source_line_id: line.source_line_id,
                    item_id: line.item_id,
                    quantity: -a.quantity,
                    unit_cost: a.unit_cost,
                });
            }
            let status = save_progress(c, &note, &lines)?;
            erp_bus::enqueue(
                c,
                meta,
                &OutboundConfirmed {
                    note_id: note.id,
                    note_number: note.number.clone(),
                    source: note_source(&note),
                    warehouse_id: note.warehouse_id,
                    lines: issued,
                    status: status.as_str().to_owned(),
                },
            )?;
            Ok(ConfirmOutcome::Done(Box::new(detail(c, id)?)))
        }
        Err(StockError::Short(shortages)) => {
            let skus = db::items_by_id(c, &shortages.iter().map(|s| s.item_id).collect::<Vec<_>>())?;
            let mut out = Vec::new();
            for s in shortages {
                let Some(line_id) = s.source_line_id else {
                    continue;
                };
                erp_bus::enqueue(
                    c,
                    meta,
                    &StockShortage {
                        item_id: s.item_id,
                        sku: skus.get(&s.item_id).map(|i| i.sku.clone()).unwrap_or_default(),
                        warehouse_id: s.warehouse_id,
                        quantity_missing: s.wanted - s.available.max(Decimal::ZERO),
                        source: note_source(&note),
                        note_id: note.id,
                        note_line_id: line_id,
                    },
                )?;
                let pos = wanted.iter().position(|w| w.line_id == line_id).unwrap_or(0);
                out.push((pos, s));
            }
            Ok(ConfirmOutcome::Short(out))
        }
        Err(StockError::App(e)) => Err(e),
    }
}

fn insufficient(shortages: Vec<(usize, Shortage)>) -> AppError {
    let errors: Vec<FieldError> = shortages
        .iter()
        .map(|(i, s)| {
            FieldError::new(
                format!("lines[{i}].quantity"),
                format!(
                    "insufficient stock: {} wanted, {} available",
                    quantity::scaled(s.wanted),
                    quantity::scaled(s.available.max(Decimal::ZERO))
                ),
            )
        })
        .collect();
    let mut p = Problem::new(
        StatusCode::CONFLICT,
        "insufficient-stock",
        "Insufficient stock",
        "not enough stock for every line; nothing was issued, the note stays open and purchasing has been told",
    );
    p.errors = errors;
    AppError::Refused(Box::new(p))
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
    let wanted = body.into_inner().lines;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    match erp_db::transaction(&ctx.pool, move |c| confirm(c, id, &wanted, &actor, &meta)).await? {
        ConfirmOutcome::Done(d) => Ok(web::Json(*d)),
        ConfirmOutcome::Short(s) => Err(insufficient(s)),
    }
}

/// Closes what is still open on the note (the order changed, the goods will not be sent).
#[utoipa::path(
    tag = "outbound",
    params(("id" = Uuid, Path, description = "outbound note id")),
    request_body = CancelRest,
    responses(
        (status = 200, body = OutboundNoteDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
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
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let note = lock_note(c, id)?;
        OutboundStatus::parse(&note.status)?.check_open("cancel the rest of")?;
        let mut lines = db::outbound_lines(c, id)?;
        for l in &mut lines {
            l.cancelled += l.open_quantity();
        }
        let status = save_progress(c, &note, &lines)?;
        diesel::update(outbound_notes::table.find(id))
            .set(outbound_notes::note.eq(Some(match &note.note {
                Some(n) => format!("{n}\nrest cancelled: {reason}"),
                None => format!("rest cancelled: {reason}"),
            })))
            .execute(c)?;
        erp_bus::enqueue(
            c,
            &meta,
            &OutboundConfirmed {
                note_id: note.id,
                note_number: note.number.clone(),
                source: note_source(&note),
                warehouse_id: note.warehouse_id,
                lines: Vec::new(),
                status: status.as_str().to_owned(),
            },
        )?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}
