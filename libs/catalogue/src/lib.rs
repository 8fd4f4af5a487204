//! The item catalogue every service other than warehouse keeps: filled from
//! `warehouse.item.changed` (newest revision wins), read when documents name items, served at
//! `/api/v1/catalogue/items`.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Int8, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_auth::CurrentUser;
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::warehouse::ItemChanged;
use erp_problem::AppError;
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

diesel::table! {
    catalogue_items (item_id) {
        item_id -> Uuid,
        sku -> Text,
        name -> Text,
        specification -> Nullable<Text>,
        unit -> Text,
        kind -> Text,
        standard_cost -> Numeric,
        active -> Bool,
        revision -> Int8,
        updated_at -> Timestamptz,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = catalogue_items)]
pub struct CatalogueItem {
    pub item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub specification: Option<String>,
    pub unit: String,
    pub kind: String,
    #[schema(value_type = String)]
    pub standard_cost: Decimal,
    pub active: bool,
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
}

/// Adds the catalogue's handler to a service's subscriptions.
pub fn subscribe(subs: Subscriptions) -> Subscriptions {
    subs.on::<ItemChanged, _>(|conn, _env: &Envelope, e| apply_item_changed(conn, &e).map_err(HandlerError::from))
}

/// Keeps the newest revision of each item (a late redelivery cannot undo a newer change).
pub fn apply_item_changed(conn: &mut PgConnection, e: &ItemChanged) -> Result<(), AppError> {
    diesel::sql_query(
        "INSERT INTO catalogue_items (item_id, sku, name, specification, unit, kind, standard_cost, active, revision, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (item_id) DO UPDATE SET sku = excluded.sku, name = excluded.name, \
           specification = excluded.specification, unit = excluded.unit, kind = excluded.kind, \
           standard_cost = excluded.standard_cost, active = excluded.active, revision = excluded.revision, \
           updated_at = excluded.updated_at \
         WHERE catalogue_items.revision < excluded.revision",
    )
    .bind::<SqlUuid, _>(e.item_id)
    .bind::<Text, _>(&e.sku)
    .bind::<Text, _>(&e.name)
    .bind::<Nullable<Text>, _>(&e.specification)
    .bind::<Text, _>(&e.unit)
    .bind::<Text, _>(&e.kind)
    .bind::<Numeric, _>(e.standard_cost)
    .bind::<Bool, _>(e.active)
    .bind::<Int8, _>(e.revision)
    .bind::<Timestamptz, _>(e.changed_at)
    .execute(conn)?;
    Ok(())
}

/// The known items among `ids`.
pub fn items_by_id(conn: &mut PgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, CatalogueItem>, AppError> {
    Ok(catalogue_items::table
        .filter(catalogue_items::item_id.eq_any(ids))
        .select(CatalogueItem::as_select())
        .load::<CatalogueItem>(conn)?
        .into_iter()
        .map(|i| (i.item_id, i))
        .collect())
}

/// Who may read the catalogue: anyone signed in (docs/security.md).
pub const DOORS: &[erp_auth::Door] = &[erp_auth::door(
    "GET",
    "/api/v1/catalogue/items",
    erp_auth::Access::Authenticated,
)];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_catalogue);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// Text in SKU or name.
    pub q: Option<String>,
    pub active: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CataloguePage {
    pub items: Vec<CatalogueItem>,
    pub next_cursor: Option<Uuid>,
}

/// The items this service knows, from warehouse's events.
#[utoipa::path(
    tag = "catalogue",
    params(CatalogueQuery),
    responses(
        (status = 200, body = CataloguePage),
    )
)]
#[get("/api/v1/catalogue/items")]
async fn list_catalogue(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<CatalogueQuery>,
) -> Result<web::Json<CataloguePage>, AppError> {
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = catalogue_items::table
            .select(CatalogueItem::as_select())
            .order(catalogue_items::item_id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            let p = erp_db::like_pattern(text);
            sql = sql.filter(catalogue_items::name.ilike(p.clone()).or(catalogue_items::sku.ilike(p)));
        }
        if let Some(a) = q.active {
            sql = sql.filter(catalogue_items::active.eq(a));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(catalogue_items::item_id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.item_id);
        Ok(CataloguePage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}
