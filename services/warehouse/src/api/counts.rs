//! Stock counts (seed 003: quarterly): a count sheet snapshots the system quantities, the
//! keeper records what is on the shelves, submits, and a manager who did not count approves;
//! approval turns each variance into a `count` ledger row.

use super::{COUNT_APPROVERS, KEEPERS};
use crate::db::stock::{self, Move, StockError};
use crate::db::{self, CountLine, StockCount, schema::stock_balances, schema::stock_count_lines, schema::stock_counts};
use crate::domain::MovementKind;
use crate::domain::quantity;
use crate::domain::status::{CountAction, CountStatus};
use actix_web::{HttpResponse, get, http::StatusCode, http::header, post, put, web};
use chrono::{Datelike, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_contracts::warehouse::SourceRef;
use erp_problem::{AppError, FieldError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_counts)
        .service(get_count)
        .service(create_count)
        .service(record_count)
        .service(submit_count)
        .service(approve_count)
        .service(reject_count)
        .service(cancel_count);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountLineView {
    #[serde(flatten)]
    pub line: CountLine,
    /// Counted minus system quantity, once counted.
    #[schema(value_type = Option<String>)]
    pub variance: Option<Decimal>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StockCountDetail {
    #[serde(flatten)]
    pub count: StockCount,
    pub lines: Vec<CountLineView>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCount {
    pub warehouse_id: Uuid,
    /// Items to count; every item with stock in the warehouse when absent.
    pub item_ids: Option<Vec<Uuid>>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CountedLine {
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub counted: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordCount {
    pub lines: Vec<CountedLine>,
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Decision {
    pub comment: Option<String>,
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<StockCountDetail, AppError> {
    let count = stock_counts::table
        .find(id)
        .select(StockCount::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("stock count"))?;
    let lines = db::count_lines(c, id)?
        .into_iter()
        .map(|l| CountLineView {
            variance: l.counted.map(|n| n - l.system_qty),
            line: l,
        })
        .collect();
    Ok(StockCountDetail { count, lines })
}

fn lock(c: &mut PgConnection, id: Uuid) -> Result<StockCount, AppError> {
    stock_counts::table
        .find(id)
        .select(StockCount::as_select())
        .for_update()
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("stock count"))
}

#[utoipa::path(
    tag = "stock-counts",
    responses((status = 200, body = Vec<StockCount>))
)]
#[get("/api/v1/stock-counts")]
async fn list_counts(ctx: web::Data<AppContext>, _user: CurrentUser) -> Result<web::Json<Vec<StockCount>>, AppError> {
    let rows = erp_db::with_conn(&ctx.pool, |c| {
        Ok(stock_counts::table
            .select(StockCount::as_select())
            .order(stock_counts::id.desc())
            .limit(200)
            .load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
}

#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    responses(
        (status = 200, body = StockCountDetail),
    )
)]
#[get("/api/v1/stock-counts/{id}")]
async fn get_count(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| detail(c, id)).await?))
}

/// Makes a count sheet: the items with the quantities the system has now.
#[utoipa::path(
    tag = "stock-counts",
    request_body = NewCount,
    responses(
        (status = 201, body = StockCountDetail),
    )
)]
#[post("/api/v1/stock-counts")]
async fn create_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewCount>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let req = body.into_inner();
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let mut v = Validator::new();
        v.optional_text("note", req.note.as_deref(), 1000);
        if db::find_warehouse(c, req.warehouse_id)?.is_none() {
            v.add("warehouse_id", "no such warehouse");
        }
        let item_ids: Vec<Uuid> = match &req.item_ids {
            Some(ids) => {
                let known = db::items_by_id(c, ids)?;
                for (i, id) in ids.iter().enumerate() {
                    if !known.contains_key(id) {
                        v.add(format!("item_ids[{i}]"), "no such item");
                    }
                }
                let mut ids = ids.clone();
                ids.sort();
                ids.dedup();
                ids
            }
            None => stock_balances::table
                .filter(stock_balances::warehouse_id.eq(req.warehouse_id))
                .filter(stock_balances::on_hand.gt(Decimal::ZERO))
                .select(stock_balances::item_id)
                .load(c)?,
        };
        v.check(
            !item_ids.is_empty(),
            "item_ids",
            "nothing to count: no items given and none in stock",
        );
        v.finish()?;
        let balances: HashMap<Uuid, (Decimal, Decimal)> = stock_balances::table
            .filter(stock_balances::warehouse_id.eq(req.warehouse_id))
            .filter(stock_balances::item_id.eq_any(&item_ids))
            .select((
                stock_balances::item_id,
                stock_balances::on_hand,
                stock_balances::avg_cost,
            ))
            .load::<(Uuid, Decimal, Decimal)>(c)?
            .into_iter()
            .map(|(i, q, a)| (i, (q, a)))
            .collect();
        let items = db::items_by_id(c, &item_ids)?;
        let id = Uuid::now_v7();
        let number = erp_db::next_number(c, "CNT", erp_calendar::today().year())?;
        diesel::insert_into(stock_counts::table)
            .values((
                stock_counts::id.eq(id),
                stock_counts::number.eq(&number),
                stock_counts::warehouse_id.eq(req.warehouse_id),
                stock_counts::status.eq(CountStatus::Draft.as_str()),
                stock_counts::note.eq(&req.note),
                stock_counts::created_by.eq(&actor),
            ))
            .execute(c)?;
        let rows: Vec<_> = item_ids
            .iter()
            .map(|item| {
                let (qty, avg) = balances.get(item).copied().unwrap_or_default();
                let cost = if qty > Decimal::ZERO {
                    avg
                } else {
                    items.get(item).map(|i| i.standard_cost).unwrap_or_default()
                };
                (
                    stock_count_lines::id.eq(Uuid::now_v7()),
                    stock_count_lines::count_id.eq(id),
                    stock_count_lines::item_id.eq(*item),
                    stock_count_lines::system_qty.eq(qty),
                    stock_count_lines::unit_cost.eq(cost),
                )
            })
            .collect();
        diesel::insert_into(stock_count_lines::table).values(rows).execute(c)?;
        detail(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/stock-counts/{}", d.count.id)))
        .json(d))
}

/// Records counted quantities on a draft (any subset of its lines, as often as needed).
#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    request_body = RecordCount,
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/stock-counts/{id}/lines")]
async fn record_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RecordCount>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let req = body.into_inner();
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let count = lock(c, id)?;
        CountStatus::parse(&count.status)?.transition(CountAction::Record)?;
        if count.version != req.version {
            return Err(AppError::stale_version("the stock count"));
        }
        let lines: HashMap<Uuid, CountLine> = db::count_lines(c, id)?.into_iter().map(|l| (l.item_id, l)).collect();
        let mut v = Validator::new();
        for (i, l) in req.lines.iter().enumerate() {
            quantity::check_non_negative(&mut v, &format!("lines[{i}].counted"), l.counted);
            if !lines.contains_key(&l.item_id) {
                v.add(format!("lines[{i}].item_id"), "not on this count sheet");
            }
        }
        v.finish()?;
        // The variance is measured against the stock at the moment of counting, not when the
        // sheet was printed: what moved in between is already in the balance.
        let counted_items: Vec<Uuid> = req.lines.iter().map(|l| l.item_id).collect();
        let current: HashMap<Uuid, (Decimal, Decimal)> = stock_balances::table
            .filter(stock_balances::warehouse_id.eq(count.warehouse_id))
            .filter(stock_balances::item_id.eq_any(&counted_items))
            .select((
                stock_balances::item_id,
                stock_balances::on_hand,
                stock_balances::avg_cost,
            ))
            .load::<(Uuid, Decimal, Decimal)>(c)?
            .into_iter()
            .map(|(i, q, a)| (i, (q, a)))
            .collect();
        for l in &req.lines {
            if let Some(line) = lines.get(&l.item_id) {
                let (system_qty, unit_cost) = match current.get(&l.item_id) {
                    Some((q, a)) if *q > Decimal::ZERO => (*q, *a),
                    Some((q, _)) => (*q, line.unit_cost),
                    None => (Decimal::ZERO, line.unit_cost),
                };
                diesel::update(stock_count_lines::table.find(line.id))
                    .set((
                        stock_count_lines::counted.eq(Some(l.counted)),
                        stock_count_lines::system_qty.eq(system_qty),
                        stock_count_lines::unit_cost.eq(unit_cost),
                        stock_count_lines::counted_by.eq(Some(&actor)),
                    ))
                    .execute(c)?;
            }
        }
        diesel::update(stock_counts::table.find(id))
            .set((
                stock_counts::version.eq(stock_counts::version + 1),
                stock_counts::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

fn move_to(
    c: &mut PgConnection,
    id: Uuid,
    action: CountAction,
    actor: &str,
    comment: Option<&str>,
) -> Result<StockCount, AppError> {
    let count = lock(c, id)?;
    let next = CountStatus::parse(&count.status)?.transition(action)?;
    let now = Utc::now();
    let deciding = matches!(action, CountAction::Approve | CountAction::Reject);
    diesel::update(stock_counts::table.find(id))
        .set((
            stock_counts::status.eq(next.as_str()),
            stock_counts::submitted_by.eq(if action == CountAction::Submit {
                Some(actor.to_owned())
            } else {
                count.submitted_by.clone()
            }),
            stock_counts::decided_by.eq(if deciding { Some(actor.to_owned()) } else { None }),
            stock_counts::decided_at.eq(if deciding { Some(now) } else { None }),
            stock_counts::decision_comment.eq(comment),
            stock_counts::version.eq(stock_counts::version + 1),
            stock_counts::updated_at.eq(now),
        ))
        .execute(c)?;
    Ok(count)
}

/// Whether `actor` made, counted or submitted the count.
fn took_part(count: &StockCount, lines: &[CountLine], actor: &str) -> bool {
    count.created_by == actor
        || count.submitted_by.as_deref() == Some(actor)
        || lines.iter().any(|l| l.counted_by.as_deref() == Some(actor))
}

/// Hands the count to a manager; every line must be counted.
#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "lines not counted yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/submit")]
async fn submit_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let missing: Vec<FieldError> = db::count_lines(c, id)?
            .iter()
            .enumerate()
            .filter(|(_, l)| l.counted.is_none())
            .map(|(i, l)| {
                FieldError::new(
                    format!("lines[{i}].counted"),
                    format!("item {} is not counted yet", l.item_id),
                )
            })
            .collect();
        move_to(c, id, CountAction::Submit, &actor, None)?;
        if !missing.is_empty() {
            return Err(AppError::Validation(missing));
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Approves the count: each variance becomes a `count` movement. The approver must hold a
/// manager role and must not be who made or submitted the count.
#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    request_body = Decision,
    responses(
        (status = 200, body = StockCountDetail),
        (status = 403, description = "not a manager, or approving one's own count", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already decided, or stock moved below the counted variance", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/approve")]
async fn approve_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Decision>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&COUNT_APPROVERS)?;
    let id = id.into_inner();
    let comment = body.into_inner().comment;
    let actor = user.actor();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let count = move_to(c, id, CountAction::Approve, &actor, comment.as_deref())?;
        let lines = db::count_lines(c, id)?;
        if took_part(&count, &lines, &actor) {
            return Err(AppError::Forbidden("nobody approves a count they made, counted or submitted".into()));
        }
        let mut moved = Vec::new();
        for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.counted.is_some()) {
            let now = stock::on_hand(c, l.item_id, count.warehouse_id)?;
            if now != l.system_qty {
                moved.push(FieldError::new(
                    format!("lines[{i}].counted"),
                    format!(
                        "stock moved since it was counted ({} then, {} now): count it again",
                        quantity::scaled(l.system_qty),
                        quantity::scaled(now)
                    ),
                ));
            }
        }
        if !moved.is_empty() {
            let mut p = Problem::new(
                StatusCode::CONFLICT,
                "stock-moved",
                "Stock moved since the count",
                "some items moved after they were counted; record their counts again, then approve",
            );
            p.errors = moved;
            return Err(AppError::Refused(Box::new(p)));
        }
        let moves: Vec<Move> = lines
            .into_iter()
            .filter_map(|l| l.counted.map(|n| (l.item_id, n - l.system_qty, l.unit_cost)))
            .filter(|(_, variance, _)| !variance.is_zero())
            .map(|(item_id, variance, cost)| Move {
                item_id,
                warehouse_id: count.warehouse_id,
                quantity: variance,
                kind: MovementKind::Count,
                source_line_id: None,
                unit_cost: Some(cost),
                reason: Some(format!("stock count {}", count.number)),
            })
            .collect();
        let source = SourceRef {
            kind: "warehouse.stock_count".into(),
            id: count.id,
            number: Some(count.number.clone()),
        };
        match stock::apply(c, &moves, &source, &actor, &meta) {
            Ok(applied) => {
                stock::publish_adjusted(c, &applied, &source, &format!("stock count {}", count.number), &meta)?;
                detail(c, id)
            }
            Err(StockError::Short(s)) => {
                let mut p = Problem::new(
                    StatusCode::CONFLICT,
                    "insufficient-stock",
                    "Insufficient stock",
                    "stock was issued after the count sheet was made, so a shortfall can no longer be booked; count again",
                );
                p.errors = s
                    .iter()
                    .map(|x| FieldError::new(format!("lines[{}]", x.item_id), format!("{} available", quantity::scaled(x.available))))
                    .collect();
                Err(AppError::Refused(Box::new(p)))
            }
            Err(StockError::App(e)) => Err(e),
        }
    })
    .await?;
    Ok(web::Json(d))
}

#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    request_body = Decision,
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/reject")]
async fn reject_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Decision>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&COUNT_APPROVERS)?;
    let id = id.into_inner();
    let comment = body.into_inner().comment;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let count = move_to(c, id, CountAction::Reject, &actor, comment.as_deref())?;
        if took_part(&count, &db::count_lines(c, id)?, &actor) {
            return Err(AppError::Forbidden(
                "nobody decides on a count they made, counted or submitted".into(),
            ));
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/cancel")]
async fn cancel_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        move_to(c, id, CountAction::Cancel, &actor, None)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}
