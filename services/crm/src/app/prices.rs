//! The price list: a list price and a floor price per item (of the catalogue crm keeps from
//! warehouse's events) and currency; selling below the floor needs approval.

use crate::db::prices::{self, Price};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceInput {
    #[schema(value_type = String)]
    pub list_price: Decimal,
    #[schema(value_type = String)]
    pub floor_price: Decimal,
    /// The version read; absent when the price is new.
    pub version: Option<i64>,
}

impl PriceInput {
    /// Checks the prices in `currency` (422 naming each bad field): not negative, at most the
    /// currency's decimals (4 at least, for unit prices), the floor not above the list price.
    pub fn validate(self, currency: &str) -> Result<Self, AppError> {
        let mut v = Validator::new();
        match erp_money::Currency::parse(currency) {
            Err(_) => {
                v.add("currency", "must be one of VND, CNY, USD, EUR");
            }
            Ok(c) => {
                for (field, value) in [("list_price", self.list_price), ("floor_price", self.floor_price)] {
                    v.check(value >= Decimal::ZERO, field, "must not be negative");
                    v.check(
                        value.normalize().scale() <= c.scale().max(4),
                        field,
                        "has too many decimal places",
                    );
                }
            }
        }
        v.check(
            self.floor_price <= self.list_price,
            "floor_price",
            "must not be above list_price",
        );
        v.finish()?;
        Ok(self)
    }
}

pub fn list(c: &mut PgConnection, item_id: Option<Uuid>, currency: Option<&str>) -> Result<Vec<Price>, AppError> {
    prices::list(c, item_id, currency)
}

/// Sets the list and floor price of an active catalogue item in a currency (validated by
/// [`PriceInput::validate`]); changing an existing price needs the version read.
pub fn set(
    c: &mut PgConnection,
    actor: &CurrentUser,
    item_id: Uuid,
    currency: &str,
    p: &PriceInput,
) -> Result<Price, AppError> {
    match erp_catalogue::items_by_id(c, &[item_id])?.get(&item_id) {
        None => return Err(AppError::validation("item_id", "unknown item (not in the catalogue)")),
        Some(i) if !i.active => return Err(AppError::validation("item_id", "the item is not active")),
        Some(_) => {}
    }
    match (prices::lock_version(c, item_id, currency)?, p.version) {
        (Some(v), Some(given)) if v != given => return Err(AppError::stale_version("the price")),
        (Some(_), None) => {
            return Err(AppError::validation(
                "version",
                "is required to change an existing price",
            ));
        }
        _ => {}
    }
    prices::upsert(c, item_id, currency, p.list_price, p.floor_price, &actor.actor())
}
