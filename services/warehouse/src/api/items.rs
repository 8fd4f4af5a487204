//! The item master: products, materials and parts.

use super::CATALOGUE_EDITORS;
use crate::app::items::{self as app, ItemInput, ItemSearch};
use crate::db::items::Item as ItemRow;
use crate::domain::item::ItemKind;
use actix_web::{HttpResponse, get, http::header, post, put, web};
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
    cfg.service(list_items)
        .service(get_item)
        .service(create_item)
        .service(update_item)
        .service(deactivate_item)
        .service(activate_item);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Item {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub specification: Option<String>,
    pub unit: String,
    /// `product`, `material` or `part`.
    pub kind: String,
    pub category: Option<String>,
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    #[schema(value_type = String)]
    pub standard_cost: Decimal,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ItemRow> for Item {
    fn from(r: ItemRow) -> Self {
        Item {
            id: r.id,
            sku: r.sku,
            name: r.name,
            specification: r.specification,
            unit: r.unit,
            kind: r.kind,
            category: r.category,
            min_stock: r.min_stock,
            max_stock: r.max_stock,
            standard_cost: r.standard_cost,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Text in SKU, name or specification; Vietnamese matches with or without diacritics.
    pub q: Option<String>,
    pub kind: Option<ItemKind>,
    pub category: Option<String>,
    pub active: Option<bool>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemPage {
    pub items: Vec<Item>,
    pub next_cursor: Option<Uuid>,
}

#[utoipa::path(
    tag = "items",
    params(ItemQuery),
    responses(
        (status = 200, body = ItemPage),
    )
)]
#[get("/api/v1/items")]
async fn list_items(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<ItemQuery>,
) -> Result<web::Json<ItemPage>, AppError> {
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let search = ItemSearch {
        q: q.q,
        kind: q.kind,
        category: q.category,
        active: q.active,
    };
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &search, paging)).await?;
    let page = page.map(Item::from);
    Ok(web::Json(ItemPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(
    tag = "items",
    params(("id" = Uuid, Path, description = "item id")),
    responses(
        (status = 200, body = Item),
    )
)]
#[get("/api/v1/items/{id}")]
async fn get_item(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Item>, AppError> {
    let id = id.into_inner();
    let item = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(item.into()))
}

/// Creates an item; publishes `warehouse.item.changed`.
#[utoipa::path(
    tag = "items",
    request_body = ItemInput,
    responses(
        (status = 201, body = Item),
        (status = 409, description = "the SKU is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/items")]
async fn create_item(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<ItemInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&CATALOGUE_EDITORS)?;
    let values = app::validate(&body.into_inner())?;
    let meta = ctx.event_meta(&user);
    let item = Item::from(erp_db::transaction(&ctx.pool, move |c| app::create(c, &values, &meta)).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/items/{}", item.id)))
        .json(item))
}

/// Changes an item (the `version` read must still be current); publishes `warehouse.item.changed`.
#[utoipa::path(
    tag = "items",
    params(("id" = Uuid, Path, description = "item id")),
    request_body = ItemInput,
    responses(
        (status = 200, body = Item),
        (status = 409, description = "stale version or SKU taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/items/{id}")]
async fn update_item(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ItemInput>,
) -> Result<web::Json<Item>, AppError> {
    user.require_any(&CATALOGUE_EDITORS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change an item"));
    };
    let values = app::validate(&input)?;
    let meta = ctx.event_meta(&user);
    let item = erp_db::transaction(&ctx.pool, move |c| app::update(c, id, version, &values, &meta)).await?;
    Ok(web::Json(item.into()))
}

async fn set_active(ctx: &AppContext, user: &CurrentUser, id: Uuid, active: bool) -> Result<Item, AppError> {
    user.require_any(&CATALOGUE_EDITORS)?;
    let meta = ctx.event_meta(user);
    let item = erp_db::transaction(&ctx.pool, move |c| app::set_active(c, id, active, &meta)).await?;
    Ok(item.into())
}

/// An inactive item cannot be ordered or issued; its stock and history stay.
#[utoipa::path(
    tag = "items",
    params(("id" = Uuid, Path, description = "item id")),
    responses(
        (status = 200, body = Item),
    )
)]
#[post("/api/v1/items/{id}/deactivate")]
async fn deactivate_item(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Item>, AppError> {
    Ok(web::Json(set_active(&ctx, &user, id.into_inner(), false).await?))
}

#[utoipa::path(
    tag = "items",
    params(("id" = Uuid, Path, description = "item id")),
    responses(
        (status = 200, body = Item),
    )
)]
#[post("/api/v1/items/{id}/activate")]
async fn activate_item(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Item>, AppError> {
    Ok(web::Json(set_active(&ctx, &user, id.into_inner(), true).await?))
}
