//! The item catalogue as crm knows it (from warehouse's events) and the price list: a list
//! price and a floor price per item and currency; selling below the floor needs approval.

use crate::app::prices::{self as app, PriceInput};
use crate::db::prices as rows;
use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_catalogue::routes(cfg);
    cfg.service(list_prices).service(set_price);
}

/// Who sets prices: the sales managers and the leaders above them.
pub const PRICE_SETTERS: [Role; 3] = [Role::SalesManager, Role::VicePresident, Role::GeneralManager];

#[derive(Debug, Serialize, ToSchema)]
pub struct Price {
    pub item_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub list_price: Decimal,
    /// Selling below it needs a vice president's approval.
    #[schema(value_type = String)]
    pub floor_price: Decimal,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl From<rows::Price> for Price {
    fn from(p: rows::Price) -> Self {
        Price {
            item_id: p.item_id,
            currency: p.currency,
            list_price: p.list_price,
            floor_price: p.floor_price,
            version: p.version,
            updated_by: p.updated_by,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    pub item_id: Option<Uuid>,
    #[param(value_type = Option<erp_money::Currency>, inline)]
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
    let currency = q
        .currency
        .map(|c| {
            erp_money::Currency::parse(&c.to_uppercase())
                .map(|c| c.code().to_owned())
                .map_err(|e| AppError::validation("currency", e.to_string()))
        })
        .transpose()?;
    let rows = erp_db::with_conn(&ctx.pool, move |c| app::list(c, q.item_id, currency.as_deref())).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
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
    let input = body.into_inner().validate(&currency)?;
    let price = erp_db::transaction(&ctx.pool, move |c| app::set(c, &user, item_id, &currency, &input)).await?;
    Ok(web::Json(price.into()))
}
