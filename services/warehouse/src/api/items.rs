//! The item master: products, materials and parts.

use super::CATALOGUE_EDITORS;
use crate::db::{Item, schema::items};
use crate::domain::item::{self, ItemKind};
use crate::events;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::{AppError, Json, Problem, Validator};
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct ItemInput {
    pub sku: String,
    pub name: String,
    pub specification: Option<String>,
    /// Unit of measure: pcs, kg, m, set, …
    pub unit: String,
    pub kind: ItemKind,
    pub category: Option<String>,
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub standard_cost: Decimal,
    /// Required on update: the version that was read.
    pub version: Option<i64>,
}

struct CleanItem {
    sku: String,
    name: String,
    specification: Option<String>,
    unit: String,
    kind: ItemKind,
    category: Option<String>,
    min_stock: Option<Decimal>,
    max_stock: Option<Decimal>,
    standard_cost: Decimal,
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn validate(input: ItemInput) -> Result<CleanItem, AppError> {
    let mut v = Validator::new();
    let sku = input.sku.trim().to_owned();
    item::check_code(&mut v, "sku", &sku);
    v.text("name", &input.name, 300).text("unit", &input.unit, 20);
    let specification = clean(input.specification);
    let category = clean(input.category);
    v.optional_text("specification", specification.as_deref(), 500)
        .optional_text("category", category.as_deref(), 100);
    item::check_limits(&mut v, input.min_stock, input.max_stock, input.standard_cost);
    v.finish()?;
    Ok(CleanItem {
        sku,
        name: input.name.trim().to_owned(),
        specification,
        unit: input.unit.trim().to_owned(),
        kind: input.kind,
        category,
        min_stock: input.min_stock,
        max_stock: input.max_stock,
        standard_cost: input.standard_cost,
    })
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
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = items::table
            .select(Item::as_select())
            .order(items::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            sql = sql.filter(items::search_text.like(erp_db::like_pattern(&erp_db::fold_search(text))));
        }
        if let Some(kind) = q.kind {
            sql = sql.filter(items::kind.eq(kind.as_str()));
        }
        if let Some(cat) = q.category {
            sql = sql.filter(items::category.eq(cat));
        }
        if let Some(a) = q.active {
            sql = sql.filter(items::active.eq(a));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(items::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |i| i.id);
        Ok(ItemPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
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
    erp_db::with_conn(&ctx.pool, move |c| crate::db::find_item(c, id))
        .await?
        .map(web::Json)
        .ok_or_else(|| AppError::not_found("item"))
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
    let it = validate(body.into_inner())?;
    let meta = ctx.event_meta(&user);
    let item = erp_db::transaction(&ctx.pool, move |c| {
        let item: Item = diesel::insert_into(items::table)
            .values((
                items::id.eq(Uuid::now_v7()),
                items::sku.eq(&it.sku),
                items::name.eq(&it.name),
                items::specification.eq(&it.specification),
                items::unit.eq(&it.unit),
                items::kind.eq(it.kind.as_str()),
                items::category.eq(&it.category),
                items::min_stock.eq(it.min_stock),
                items::max_stock.eq(it.max_stock),
                items::standard_cost.eq(it.standard_cost),
                items::search_text.eq(item::search_text(&it.sku, &it.name, it.specification.as_deref())),
            ))
            .returning(Item::as_returning())
            .get_result(c)?;
        events::publish_item_changed(c, &meta, &item)?;
        Ok(item)
    })
    .await?;
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
    let it = validate(input)?;
    let meta = ctx.event_meta(&user);
    let item = erp_db::transaction(&ctx.pool, move |c| {
        let current: i64 = items::table
            .find(id)
            .select(items::version)
            .for_update()
            .first::<i64>(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("item"))?;
        if current != version {
            return Err(AppError::stale_version("the item"));
        }
        let item: Item = diesel::update(items::table.find(id))
            .set((
                items::sku.eq(&it.sku),
                items::name.eq(&it.name),
                items::specification.eq(&it.specification),
                items::unit.eq(&it.unit),
                items::kind.eq(it.kind.as_str()),
                items::category.eq(&it.category),
                items::min_stock.eq(it.min_stock),
                items::max_stock.eq(it.max_stock),
                items::standard_cost.eq(it.standard_cost),
                items::search_text.eq(item::search_text(&it.sku, &it.name, it.specification.as_deref())),
                items::version.eq(items::version + 1),
                items::updated_at.eq(Utc::now()),
            ))
            .returning(Item::as_returning())
            .get_result(c)?;
        events::publish_item_changed(c, &meta, &item)?;
        Ok(item)
    })
    .await?;
    Ok(web::Json(item))
}

async fn set_active(ctx: &AppContext, meta: EventMeta, id: Uuid, active: bool) -> Result<Item, AppError> {
    erp_db::transaction(&ctx.pool, move |c| {
        let current = items::table
            .find(id)
            .select(Item::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("item"))?;
        if current.active == active {
            return Ok(current);
        }
        let item: Item = diesel::update(items::table.find(id))
            .set((
                items::active.eq(active),
                items::version.eq(items::version + 1),
                items::updated_at.eq(Utc::now()),
            ))
            .returning(Item::as_returning())
            .get_result(c)?;
        events::publish_item_changed(c, &meta, &item)?;
        Ok(item)
    })
    .await
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
    user.require_any(&CATALOGUE_EDITORS)?;
    Ok(web::Json(
        set_active(&ctx, ctx.event_meta(&user), id.into_inner(), false).await?,
    ))
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
    user.require_any(&CATALOGUE_EDITORS)?;
    Ok(web::Json(
        set_active(&ctx, ctx.event_meta(&user), id.into_inner(), true).await?,
    ))
}
