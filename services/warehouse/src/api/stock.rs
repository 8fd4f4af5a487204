//! Stock balances and the ledger, transfers, adjustments, the ledger check and the stale-stock
//! report.

use super::KEEPERS;
use crate::db::stock::{self, LedgerMismatch, Move, Shortage, StockError};
use crate::db::{Movement, schema::stock_documents, schema::stock_movements};
use crate::domain::MovementKind;
use crate::domain::quantity;
use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid};
use erp_auth::{CurrentUser, Role};
use erp_contracts::warehouse::SourceRef;
use erp_problem::{AppError, FieldError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_balances)
        .service(list_movements)
        .service(create_transfer)
        .service(create_adjustment)
        .service(ledger_check)
        .service(rebuild_balances)
        .service(stale_stock);
}

#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct Balance {
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub unit: String,
    #[diesel(sql_type = SqlUuid)]
    pub warehouse_id: Uuid,
    #[diesel(sql_type = Text)]
    pub warehouse_code: String,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub on_hand: Decimal,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub reserved: Decimal,
    /// On hand minus reserved: what can still be issued.
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub available: Decimal,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub avg_cost: Decimal,
    #[diesel(sql_type = Nullable<Numeric>)]
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    #[diesel(sql_type = Timestamptz)]
    pub last_movement_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BalanceQuery {
    pub item_id: Option<Uuid>,
    pub warehouse_id: Option<Uuid>,
    /// Only items whose total stock is below their minimum.
    pub below_min: Option<bool>,
}

/// Stock per item and warehouse.
#[utoipa::path(
    tag = "stock",
    params(BalanceQuery),
    responses(
        (status = 200, body = Vec<Balance>),
    )
)]
#[get("/api/v1/stock")]
async fn list_balances(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<BalanceQuery>,
) -> Result<web::Json<Vec<Balance>>, AppError> {
    let q = query.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        Ok(diesel::sql_query(
            "SELECT b.item_id, i.sku, i.name, i.unit, b.warehouse_id, w.code AS warehouse_code, b.on_hand, b.reserved, \
                    b.on_hand - b.reserved AS available, b.avg_cost, i.min_stock, i.max_stock, b.last_movement_at \
             FROM stock_balances b JOIN items i ON i.id = b.item_id JOIN warehouses w ON w.id = b.warehouse_id \
             WHERE ($1::uuid IS NULL OR b.item_id = $1) AND ($2::uuid IS NULL OR b.warehouse_id = $2) \
               AND (NOT $3 OR (i.min_stock IS NOT NULL AND \
                    (SELECT sum(t.on_hand) FROM stock_balances t WHERE t.item_id = b.item_id) < i.min_stock)) \
             ORDER BY i.sku, w.code LIMIT 5000",
        )
        .bind::<Nullable<SqlUuid>, _>(q.item_id)
        .bind::<Nullable<SqlUuid>, _>(q.warehouse_id)
        .bind::<Bool, _>(q.below_min.unwrap_or(false))
        .load::<Balance>(c)?)
    })
    .await?;
    Ok(web::Json(rows))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementQuery {
    pub item_id: Option<Uuid>,
    pub warehouse_id: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovementPage {
    pub items: Vec<Movement>,
    pub next_cursor: Option<i64>,
}

/// The stock ledger, oldest first.
#[utoipa::path(
    tag = "stock",
    params(MovementQuery),
    responses(
        (status = 200, body = MovementPage),
    )
)]
#[get("/api/v1/stock/movements")]
async fn list_movements(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<MovementQuery>,
) -> Result<web::Json<MovementPage>, AppError> {
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = stock_movements::table
            .select(Movement::as_select())
            .order(stock_movements::seq)
            .limit(limit + 1)
            .into_boxed();
        if let Some(i) = q.item_id {
            sql = sql.filter(stock_movements::item_id.eq(i));
        }
        if let Some(w) = q.warehouse_id {
            sql = sql.filter(stock_movements::warehouse_id.eq(w));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(stock_movements::seq.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |m| m.seq);
        Ok(MovementPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentLine {
    pub item_id: Uuid,
    /// Transfers: positive. Adjustments: positive adds, negative removes.
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTransfer {
    pub from_warehouse_id: Uuid,
    pub to_warehouse_id: Uuid,
    pub reason: String,
    pub lines: Vec<DocumentLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAdjustment {
    pub warehouse_id: Uuid,
    /// Why stock changes (damage, found, correction…); kept on every ledger row.
    pub reason: String,
    pub lines: Vec<DocumentLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StockDocument {
    pub id: Uuid,
    pub number: String,
    pub movements: Vec<Movement>,
}

fn short_problem(shortages: &[Shortage], lines: &[DocumentLine]) -> AppError {
    let mut p = Problem::new(
        StatusCode::CONFLICT,
        "insufficient-stock",
        "Insufficient stock",
        "not enough stock for every line; nothing was moved",
    );
    p.errors = shortages
        .iter()
        .map(|s| {
            let i = lines.iter().position(|l| l.item_id == s.item_id).unwrap_or(0);
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
    AppError::Refused(Box::new(p))
}

fn check_warehouse(c: &mut PgConnection, v: &mut Validator, field: &str, id: Uuid) -> Result<(), AppError> {
    match crate::db::find_warehouse(c, id)? {
        Some(w) if w.active => {}
        Some(_) => {
            v.add(field, "the warehouse is not active");
        }
        None => {
            v.add(field, "no such warehouse");
        }
    }
    Ok(())
}

fn check_lines(c: &mut PgConnection, v: &mut Validator, lines: &[DocumentLine], signed: bool) -> Result<(), AppError> {
    v.check(!lines.is_empty(), "lines", "must have at least one line");
    let items = crate::db::items_by_id(c, &lines.iter().map(|l| l.item_id).collect::<Vec<_>>())?;
    for (i, l) in lines.iter().enumerate() {
        if !items.contains_key(&l.item_id) {
            v.add(format!("lines[{i}].item_id"), "no such item");
        }
        let field = format!("lines[{i}].quantity");
        if signed {
            quantity::check_non_zero(v, &field, l.quantity);
        } else {
            quantity::check_positive(v, &field, l.quantity);
        }
    }
    Ok(())
}

fn insert_document(
    c: &mut PgConnection,
    kind: &str,
    prefix: &str,
    warehouse: Uuid,
    to: Option<Uuid>,
    reason: &str,
    actor: &str,
) -> Result<SourceRef, AppError> {
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, prefix, erp_calendar::today().year())?;
    diesel::insert_into(stock_documents::table)
        .values((
            stock_documents::id.eq(id),
            stock_documents::number.eq(&number),
            stock_documents::kind.eq(kind),
            stock_documents::warehouse_id.eq(warehouse),
            stock_documents::to_warehouse_id.eq(to),
            stock_documents::reason.eq(reason),
            stock_documents::created_by.eq(actor),
        ))
        .execute(c)?;
    Ok(SourceRef {
        kind: format!("warehouse.{kind}"),
        id,
        number: Some(number),
    })
}

fn movements_of(c: &mut PgConnection, source_id: Uuid) -> Result<Vec<Movement>, AppError> {
    Ok(stock_movements::table
        .filter(stock_movements::source_id.eq(source_id))
        .order(stock_movements::seq)
        .select(Movement::as_select())
        .load(c)?)
}

/// Moves stock from one warehouse to another, at the cost it had where it left.
#[utoipa::path(
    tag = "stock",
    request_body = NewTransfer,
    responses(
        (status = 201, body = StockDocument),
        (status = 409, description = "insufficient stock", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock/transfers")]
async fn create_transfer(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewTransfer>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let req = body.into_inner();
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let r = std::sync::Arc::new(req);
    let document = erp_db::transaction(&ctx.pool, move |c| {
        let mut v = Validator::new();
        v.text("reason", &r.reason, 1000);
        v.check(
            r.from_warehouse_id != r.to_warehouse_id,
            "to_warehouse_id",
            "must differ from from_warehouse_id",
        );
        check_warehouse(c, &mut v, "from_warehouse_id", r.from_warehouse_id)?;
        check_warehouse(c, &mut v, "to_warehouse_id", r.to_warehouse_id)?;
        check_lines(c, &mut v, &r.lines, false)?;
        v.finish()?;
        let source = insert_document(
            c,
            "transfer",
            "TRF",
            r.from_warehouse_id,
            Some(r.to_warehouse_id),
            r.reason.trim(),
            &actor,
        )?;
        let outs: Vec<Move> = r
            .lines
            .iter()
            .map(|l| Move {
                item_id: l.item_id,
                warehouse_id: r.from_warehouse_id,
                quantity: -l.quantity,
                kind: MovementKind::Transfer,
                source_line_id: None,
                unit_cost: None,
                reason: Some(r.reason.clone()),
            })
            .collect();
        let applied = match stock::apply_quiet(c, &outs, &source, &actor) {
            Ok(a) => a,
            // An error, so the transaction rolls back the document too.
            Err(StockError::Short(s)) => return Err(short_problem(&s, &r.lines)),
            Err(StockError::App(e)) => return Err(e),
        };
        // Incoming at the cost the goods left at.
        let ins: Vec<Move> = applied
            .iter()
            .map(|a| Move {
                item_id: a.item_id,
                warehouse_id: r.to_warehouse_id,
                quantity: -a.quantity,
                kind: MovementKind::Transfer,
                source_line_id: None,
                unit_cost: Some(a.unit_cost),
                reason: Some(r.reason.clone()),
            })
            .collect();
        let arrived = stock::apply_quiet(c, &ins, &source, &actor).map_err(|e| match e {
            StockError::App(e) => e,
            StockError::Short(_) => AppError::internal("an incoming transfer cannot be short"),
        })?;
        // Alerts on the net change only: the total of a transferred item does not move.
        stock::publish_crossings(c, &[applied, arrived].concat(), &meta)?;
        Ok(StockDocument {
            id: source.id,
            number: source.number.clone().unwrap_or_default(),
            movements: movements_of(c, source.id)?,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(document))
}

/// Corrects stock with a reason (damage, found goods…): positive adds, negative removes.
#[utoipa::path(
    tag = "stock",
    request_body = NewAdjustment,
    responses(
        (status = 201, body = StockDocument),
        (status = 409, description = "insufficient stock", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock/adjustments")]
async fn create_adjustment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewAdjustment>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let r = body.into_inner();
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let document = erp_db::transaction(&ctx.pool, move |c| {
        let mut v = Validator::new();
        v.text("reason", &r.reason, 1000);
        check_warehouse(c, &mut v, "warehouse_id", r.warehouse_id)?;
        check_lines(c, &mut v, &r.lines, true)?;
        v.finish()?;
        let source = insert_document(c, "adjustment", "ADJ", r.warehouse_id, None, r.reason.trim(), &actor)?;
        let moves: Vec<Move> = r
            .lines
            .iter()
            .map(|l| Move {
                item_id: l.item_id,
                warehouse_id: r.warehouse_id,
                quantity: l.quantity,
                kind: MovementKind::Adjustment,
                source_line_id: None,
                unit_cost: None,
                reason: Some(r.reason.trim().to_owned()),
            })
            .collect();
        match stock::apply(c, &moves, &source, &actor, &meta) {
            Ok(applied) => {
                stock::publish_adjusted(c, &applied, &source, r.reason.trim(), &meta)?;
                Ok(StockDocument {
                    id: source.id,
                    number: source.number.clone().unwrap_or_default(),
                    movements: movements_of(c, source.id)?,
                })
            }
            // An error, so the transaction rolls back the document too.
            Err(StockError::Short(s)) => Err(short_problem(&s, &r.lines)),
            Err(StockError::App(e)) => Err(e),
        }
    })
    .await?;
    Ok(HttpResponse::Created().json(document))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerCheck {
    /// True when every balance equals the sum of its ledger rows.
    pub consistent: bool,
    pub mismatches: Vec<LedgerMismatch>,
}

/// Rebuilds every balance from the ledger and compares it with the stored one.
#[utoipa::path(
    tag = "stock",
    responses(
        (status = 200, body = LedgerCheck),
    )
)]
#[get("/api/v1/stock/ledger-check")]
async fn ledger_check(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<LedgerCheck>, AppError> {
    user.require_any(&[Role::WarehouseKeeper, Role::GeneralManager, Role::FinanceManager])?;
    let mismatches = erp_db::with_conn(&ctx.pool, stock::ledger_mismatches).await?;
    Ok(web::Json(LedgerCheck {
        consistent: mismatches.is_empty(),
        mismatches,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rebuilt {
    /// Balances that differed from their ledger and were set to it.
    pub corrected: usize,
    pub mismatches_before: Vec<LedgerMismatch>,
}

/// Sets every balance to the sum of its ledger rows (after restoring a backup, say); the
/// differences found are returned and logged.
#[utoipa::path(
    tag = "stock",
    responses(
        (status = 200, body = Rebuilt),
    )
)]
#[post("/api/v1/stock/rebuild")]
async fn rebuild_balances(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<web::Json<Rebuilt>, AppError> {
    user.require_any(&[Role::GeneralManager])?;
    let (corrected, mismatches_before) = erp_db::transaction(&ctx.pool, |c| {
        let before = stock::ledger_mismatches(c)?;
        Ok((stock::rebuild_balances(c)?, before))
    })
    .await?;
    if corrected > 0 {
        tracing::warn!(corrected, mismatches = ?mismatches_before, "stock balances rebuilt from the ledger");
    }
    Ok(web::Json(Rebuilt {
        corrected,
        mismatches_before,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaleQuery {
    /// Days without movement (default 365).
    pub days: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct StaleStock {
    #[diesel(sql_type = SqlUuid)]
    pub item_id: Uuid,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = SqlUuid)]
    pub warehouse_id: Uuid,
    #[diesel(sql_type = Text)]
    pub warehouse_code: String,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub on_hand: Decimal,
    /// On hand at the average cost.
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub value: Decimal,
    #[diesel(sql_type = Timestamptz)]
    pub last_movement_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub days_without_movement: i64,
    /// Who asked for the last purchase of it (seed 003: stock over a year counts against them).
    #[diesel(sql_type = Nullable<Text>)]
    pub purchased_by: Option<String>,
}

/// Stock that has not moved for `days` (a year by default), oldest first.
#[utoipa::path(
    tag = "stock",
    params(StaleQuery),
    responses(
        (status = 200, body = Vec<StaleStock>),
    )
)]
#[get("/api/v1/reports/stale-stock")]
async fn stale_stock(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<StaleQuery>,
) -> Result<web::Json<Vec<StaleStock>>, AppError> {
    let days = query.days.unwrap_or(365);
    if !(1..=36_500).contains(&days) {
        return Err(AppError::validation("days", "must be between 1 and 36500"));
    }
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        Ok(diesel::sql_query(
            "SELECT b.item_id, i.sku, i.name, b.warehouse_id, w.code AS warehouse_code, b.on_hand, \
                    round(b.on_hand * b.avg_cost, 4) AS value, b.last_movement_at, \
                    extract(day FROM now() - b.last_movement_at)::bigint AS days_without_movement, \
                    (SELECT n.requested_by FROM stock_movements m JOIN inbound_notes n ON n.id = m.source_id \
                      WHERE m.item_id = b.item_id AND m.warehouse_id = b.warehouse_id AND m.kind = 'purchase_receipt' \
                      ORDER BY m.seq DESC LIMIT 1) AS purchased_by \
             FROM stock_balances b JOIN items i ON i.id = b.item_id JOIN warehouses w ON w.id = b.warehouse_id \
             WHERE b.on_hand > 0 AND b.last_movement_at < now() - make_interval(days => $1) \
             ORDER BY b.last_movement_at LIMIT 5000",
        )
        .bind::<diesel::sql_types::Integer, _>(days)
        .load::<StaleStock>(c)?)
    })
    .await?;
    Ok(web::Json(rows))
}
