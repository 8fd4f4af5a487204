//! The item catalogue as crm knows it (from warehouse's events) and the price list: a list
//! price and a floor price per item and currency; selling below the floor needs approval.

use crate::db::{Price, schema::price_list};
use actix_web::{get, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_catalogue::routes(cfg);
    cfg.service(list_prices).service(set_price);
}

/// Who sets prices: the sales managers and the leaders above them.
pub const PRICE_SETTERS: [Role; 3] = [Role::SalesManager, Role::VicePresident, Role::GeneralManager];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    pub item_id: Option<Uuid>,
    pub currency: Option<String>,
}

#[utoipa::path(
    tag = "catalogue",
    params(PriceQuery),
    responses(
        (status = 200, body = Vec<Price>),
    )
)]
#[get("/api/v1/price-list")]
async fn list_prices(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<PriceQuery>,
) -> Result<web::Json<Vec<Price>>, AppError> {
    let q = query.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = price_list::table
            .select(Price::as_select())
            .order((price_list::item_id, price_list::currency))
            .limit(5000)
            .into_boxed();
        if let Some(i) = q.item_id {
            sql = sql.filter(price_list::item_id.eq(i));
        }
        if let Some(cur) = q.currency {
            sql = sql.filter(price_list::currency.eq(cur.to_uppercase()));
        }
        Ok(sql.load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceInput {
    #[schema(value_type = String)]
    pub list_price: Decimal,
    #[schema(value_type = String)]
    pub floor_price: Decimal,
    /// The version read; absent when the price is new.
    pub version: Option<i64>,
}

/// Sets the list and floor price of an item in a currency. The item must be in the catalogue
/// and active (422 otherwise).
#[utoipa::path(
    tag = "catalogue",
    params(("item_id" = Uuid, Path, description = "item id"), ("currency" = String, Path, description = "VND, CNY, USD or EUR")),
    request_body = PriceInput,
    responses(
        (status = 200, body = Price),
        (status = 409, description = "stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/price-list/{item_id}/{currency}")]
async fn set_price(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    path: web::Path<(Uuid, String)>,
    body: Json<PriceInput>,
) -> Result<web::Json<Price>, AppError> {
    user.require_any(&PRICE_SETTERS)?;
    let (item_id, currency) = path.into_inner();
    let currency = currency.to_uppercase();
    let p = body.into_inner();
    let mut v = Validator::new();
    match crate::domain::money::currency_scale(&currency) {
        None => {
            v.add("currency", "must be one of VND, CNY, USD, EUR");
        }
        Some(scale) => {
            for (field, value) in [("list_price", p.list_price), ("floor_price", p.floor_price)] {
                v.check(value >= Decimal::ZERO, field, "must not be negative");
                v.check(
                    value.normalize().scale() <= scale.max(4),
                    field,
                    "has too many decimal places",
                );
            }
        }
    }
    v.check(
        p.floor_price <= p.list_price,
        "floor_price",
        "must not be above list_price",
    );
    v.finish()?;
    let actor = user.actor();
    let price = erp_db::transaction(&ctx.pool, move |c| {
        match erp_catalogue::items_by_id(c, &[item_id])?.get(&item_id) {
            None => return Err(AppError::validation("item_id", "unknown item (not in the catalogue)")),
            Some(i) if !i.active => return Err(AppError::validation("item_id", "the item is not active")),
            Some(_) => {}
        }
        let current: Option<i64> = price_list::table
            .find((item_id, &currency))
            .select(price_list::version)
            .for_update()
            .first(c)
            .optional()?;
        match (current, p.version) {
            (Some(v), Some(given)) if v != given => return Err(AppError::stale_version("the price")),
            (Some(_), None) => {
                return Err(AppError::validation(
                    "version",
                    "is required to change an existing price",
                ));
            }
            _ => {}
        }
        Ok(diesel::insert_into(price_list::table)
            .values((
                price_list::item_id.eq(item_id),
                price_list::currency.eq(&currency),
                price_list::list_price.eq(p.list_price),
                price_list::floor_price.eq(p.floor_price),
                price_list::updated_by.eq(&actor),
            ))
            .on_conflict((price_list::item_id, price_list::currency))
            .do_update()
            .set((
                price_list::list_price.eq(p.list_price),
                price_list::floor_price.eq(p.floor_price),
                price_list::version.eq(price_list::version + 1),
                price_list::updated_by.eq(&actor),
                price_list::updated_at.eq(Utc::now()),
            ))
            .returning(Price::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(web::Json(price))
}
