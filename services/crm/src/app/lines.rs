//! Document lines shared by quotations and orders: checked against the local catalogue (an
//! unknown or inactive item is a 422), priced from the price list when no price is given, and
//! totalled by the money rules.

use crate::db;
use crate::domain::pricing::{self, NewLine, Priced, PricedLine};
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_money::{Currency, LineInput};
use erp_problem::{AppError, FieldError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineRequest {
    pub item_id: Uuid,
    /// The item's name when absent.
    pub description: Option<String>,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// The list price in the document's currency when absent.
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub discount_pct: Decimal,
    /// VAT rate in percent.
    #[serde(default)]
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
    /// Orders only: when this line is to be delivered.
    pub delivery_date: Option<NaiveDate>,
}

pub fn parse_currency(code: &str) -> Result<Currency, AppError> {
    Currency::parse(code).map_err(|e| AppError::validation("currency", e.to_string()))
}

/// Resolves, validates and prices the lines.
pub fn build(
    conn: &mut PgConnection,
    currency: Currency,
    lines: &[LineRequest],
) -> Result<(Vec<NewLine>, Priced), AppError> {
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(conn, &ids)?;
    let prices = db::prices(conn, &ids, currency.code())?;
    let mut errors = Vec::new();
    let mut priced = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let item = match items.get(&l.item_id) {
            None => {
                errors.push(FieldError::new(
                    format!("lines[{i}].item_id"),
                    "unknown item (not in the catalogue)",
                ));
                None
            }
            Some(item) if !item.active => {
                errors.push(FieldError::new(
                    format!("lines[{i}].item_id"),
                    format!("item {} is not active", item.sku),
                ));
                None
            }
            Some(item) => Some(item),
        };
        let price = prices.get(&l.item_id);
        let unit_price = match (l.unit_price, price) {
            (Some(p), _) => p,
            (None, Some(p)) => p.list_price,
            (None, None) => {
                if item.is_some() {
                    errors.push(FieldError::new(
                        format!("lines[{i}].unit_price"),
                        format!("no list price in {}: give a price", currency.code()),
                    ));
                }
                Decimal::ZERO
            }
        };
        priced.push(PricedLine {
            input: LineInput {
                quantity: l.quantity,
                unit_price,
                discount_pct: l.discount_pct,
                tax_rate_pct: l.tax_rate_pct,
            },
            floor_price: price.map(|p| p.floor_price),
            unit_cost: item.map(|it| it.standard_cost),
        });
    }
    let result = pricing::price(&priced, currency);
    if let Err(AppError::Validation(more)) = &result {
        errors.extend(more.iter().cloned());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let priced_doc = result?;
    let rows = lines
        .iter()
        .zip(priced.iter())
        .zip(priced_doc.lines.iter())
        .map(|((req, p), t)| {
            let item = items.get(&req.item_id);
            NewLine {
                item_id: req.item_id,
                description: req
                    .description
                    .as_ref()
                    .map(|d| d.trim().to_owned())
                    .filter(|d| !d.is_empty())
                    .or_else(|| item.map(|i| i.name.clone()))
                    .unwrap_or_default(),
                unit: item.map(|i| i.unit.clone()).unwrap_or_default(),
                input: p.input.clone(),
                net: t.net,
                tax: t.tax,
                total: t.total,
                floor_price: p.floor_price,
                unit_cost: p.unit_cost,
                delivery_date: req.delivery_date,
            }
        })
        .collect();
    Ok((rows, priced_doc))
}
