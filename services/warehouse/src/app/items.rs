//! The item master: products, materials and parts. Every change publishes
//! `warehouse.item.changed`.

use crate::db::items::{self, Item, ItemFilter, ItemValues};
use crate::domain::item::{self as rules, ItemKind};
use diesel::PgConnection;
use erp_bus::EventMeta;
use erp_contracts::warehouse::ItemChanged;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

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

/// What a list of items is filtered by, as the client gave it.
pub struct ItemSearch {
    /// Text in SKU, name or specification.
    pub q: Option<String>,
    pub kind: Option<ItemKind>,
    pub category: Option<String>,
    pub active: Option<bool>,
}

/// Checks an item's values (422 naming each field) and gives them trimmed, as they are stored.
pub fn validate(input: &ItemInput) -> Result<ItemValues, AppError> {
    let mut v = Validator::new();
    let sku = input.sku.trim().to_owned();
    rules::check_code(&mut v, "sku", &sku);
    v.text("name", &input.name, 300).text("unit", &input.unit, 20);
    let specification = clean(input.specification.as_deref());
    let category = clean(input.category.as_deref());
    v.optional_text("specification", specification.as_deref(), 500)
        .optional_text("category", category.as_deref(), 100);
    rules::check_limits(&mut v, input.min_stock, input.max_stock, input.standard_cost);
    v.finish()?;
    let name = input.name.trim().to_owned();
    Ok(ItemValues {
        search_text: rules::search_text(&sku, &name, specification.as_deref()),
        sku,
        name,
        specification,
        unit: input.unit.trim().to_owned(),
        kind: input.kind.as_str(),
        category,
        min_stock: input.min_stock,
        max_stock: input.max_stock,
        standard_cost: input.standard_cost,
    })
}

pub fn list(conn: &mut PgConnection, search: &ItemSearch, paging: Paging) -> Result<Page<Item>, AppError> {
    let filter = ItemFilter {
        search: search
            .q
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| erp_db::like_pattern(&erp_db::fold_search(t))),
        kind: search.kind.map(ItemKind::as_str),
        category: search.category.clone(),
        active: search.active,
    };
    let rows = items::list(conn, &filter, paging.fetch(), paging.cursor)?;
    Ok(Page::from_rows(rows, paging.limit, |i| i.id))
}

pub fn get(conn: &mut PgConnection, id: Uuid) -> Result<Item, AppError> {
    items::find(conn, id)?.ok_or_else(|| AppError::not_found("item"))
}

/// Creates an item from checked values.
pub fn create(conn: &mut PgConnection, values: &ItemValues, meta: &EventMeta) -> Result<Item, AppError> {
    let item = items::insert(conn, Uuid::now_v7(), values)?;
    publish_changed(conn, meta, &item)?;
    Ok(item)
}

/// Changes an item whose `version` read is still current.
pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    version: i64,
    values: &ItemValues,
    meta: &EventMeta,
) -> Result<Item, AppError> {
    let current = items::lock_version(conn, id)?.ok_or_else(|| AppError::not_found("item"))?;
    if current != version {
        return Err(AppError::stale_version("the item"));
    }
    let item = items::update(conn, id, values)?;
    publish_changed(conn, meta, &item)?;
    Ok(item)
}

/// Activates or deactivates an item; nothing changes when it already is.
pub fn set_active(conn: &mut PgConnection, id: Uuid, active: bool, meta: &EventMeta) -> Result<Item, AppError> {
    let current = items::lock(conn, id)?.ok_or_else(|| AppError::not_found("item"))?;
    if current.active == active {
        return Ok(current);
    }
    let item = items::set_active(conn, id, active)?;
    publish_changed(conn, meta, &item)?;
    Ok(item)
}

fn publish_changed(conn: &mut PgConnection, meta: &EventMeta, item: &Item) -> Result<(), AppError> {
    erp_bus::enqueue(
        conn,
        meta,
        &ItemChanged {
            item_id: item.id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            specification: item.specification.clone(),
            unit: item.unit.clone(),
            kind: item.kind.clone(),
            category: item.category.clone(),
            min_stock: item.min_stock,
            max_stock: item.max_stock,
            standard_cost: item.standard_cost,
            active: item.active,
            revision: item.version,
            changed_at: item.updated_at,
        },
    )?;
    Ok(())
}
