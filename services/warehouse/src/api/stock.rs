//! Stock balances and the ledger, transfers and adjustments.

use super::KEEPERS;
use crate::app::documents::{self, DocumentView, NewAdjustment, NewTransfer};
use crate::app::reports;
use crate::db::documents::Movement as MovementRow;
use crate::db::reports::BalanceRow;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
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
        .service(create_adjustment);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    pub item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub warehouse_id: Uuid,
    pub warehouse_code: String,
    #[schema(value_type = String)]
    pub on_hand: Decimal,
    #[schema(value_type = String)]
    pub reserved: Decimal,
    /// On hand minus reserved: what can still be issued.
    #[schema(value_type = String)]
    pub available: Decimal,
    #[schema(value_type = String)]
    pub avg_cost: Decimal,
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    pub last_movement_at: DateTime<Utc>,
}

impl From<BalanceRow> for Balance {
    fn from(r: BalanceRow) -> Self {
        Balance {
            item_id: r.item_id,
            sku: r.sku,
            name: r.name,
            unit: r.unit,
            warehouse_id: r.warehouse_id,
            warehouse_code: r.warehouse_code,
            on_hand: r.on_hand,
            reserved: r.reserved,
            available: r.available,
            avg_cost: r.avg_cost,
            min_stock: r.min_stock,
            max_stock: r.max_stock,
            last_movement_at: r.last_movement_at,
        }
    }
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
    let below_min = q.below_min.unwrap_or(false);
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        reports::balances(c, q.item_id, q.warehouse_id, below_min)
    })
    .await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Movement {
    pub id: Uuid,
    pub seq: i64,
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    /// Signed: positive in, negative out.
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub kind: crate::domain::MovementKind,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub source_line_id: Option<Uuid>,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    #[schema(value_type = String)]
    pub on_hand_after: Decimal,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<MovementRow> for Movement {
    fn from(r: MovementRow) -> Self {
        Movement {
            id: r.id,
            seq: r.seq,
            item_id: r.item_id,
            warehouse_id: r.warehouse_id,
            quantity: r.quantity,
            kind: r.kind,
            source_kind: r.source_kind,
            source_id: r.source_id,
            source_number: r.source_number,
            source_line_id: r.source_line_id,
            unit_cost: r.unit_cost,
            on_hand_after: r.on_hand_after,
            reason: r.reason,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
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
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        reports::movements(c, q.item_id, q.warehouse_id, paging)
    })
    .await?
    .map(Movement::from);
    Ok(web::Json(MovementPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StockDocument {
    pub id: Uuid,
    pub number: String,
    pub movements: Vec<Movement>,
}

impl From<DocumentView> for StockDocument {
    fn from(v: DocumentView) -> Self {
        StockDocument {
            id: v.id,
            number: v.number,
            movements: v.movements.into_iter().map(Into::into).collect(),
        }
    }
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
    let input = body.into_inner();
    let meta = ctx.event_meta(&user);
    let view = erp_db::transaction(&ctx.pool, move |c| documents::transfer(c, &user, &input, &meta)).await?;
    Ok(HttpResponse::Created().json(StockDocument::from(view)))
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
    let input = body.into_inner();
    let meta = ctx.event_meta(&user);
    let view = erp_db::transaction(&ctx.pool, move |c| documents::adjust(c, &user, &input, &meta)).await?;
    Ok(HttpResponse::Created().json(StockDocument::from(view)))
}
