//! Gross margin: net invoiced against the cost of goods issued.

use super::GroupBy;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// Revenue invoiced and cost of goods issued for one order, customer or salesperson.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MarginRow {
    /// The order, customer or salesperson.
    pub id: Uuid,
    /// Order number, customer name or salesperson name.
    pub name: Option<String>,
    /// Net invoiced (without VAT) in the report's currency.
    #[schema(value_type = String)]
    pub revenue: Decimal,
    /// Cost of the goods issued for the orders, in the book currency.
    #[schema(value_type = String)]
    pub cost: Decimal,
    pub cost_currency: Currency,
    /// Revenue less cost; absent when the cost is kept in another currency.
    #[schema(value_type = Option<String>)]
    pub margin: Option<Decimal>,
    /// Margin as a percentage of revenue (2 decimals); absent without revenue or margin.
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrossMargin {
    pub currency: Currency,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `order`, `customer` or `salesperson`.
    pub group_by: String,
    pub rows: Vec<MarginRow>,
    pub total: MarginRow,
}

#[derive(QueryableByName)]
struct OrderMargin {
    #[diesel(sql_type = SqlUuid)]
    order_id: Uuid,
    #[diesel(sql_type = Text)]
    order_number: String,
    #[diesel(sql_type = SqlUuid)]
    customer_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    customer_name: Option<String>,
    #[diesel(sql_type = SqlUuid)]
    owner_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    owner_name: Option<String>,
    #[diesel(sql_type = Numeric)]
    revenue: Decimal,
    #[diesel(sql_type = Numeric)]
    cost: Decimal,
}

fn margin_row(
    id: Uuid,
    name: Option<String>,
    revenue: Decimal,
    cost: Decimal,
    currency: Currency,
    book: Currency,
) -> MarginRow {
    let margin = (currency == book).then(|| revenue - cost);
    let margin_pct = margin.filter(|_| revenue > Decimal::ZERO).map(|m| {
        (m * Decimal::ONE_HUNDRED / revenue)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    });
    MarginRow {
        id,
        name,
        revenue,
        cost,
        cost_currency: book,
        margin,
        margin_pct,
    }
}

/// Gross margin of orders in `currency`: net invoiced between the dates against the cost of
/// goods issued for them between the same dates, per order, customer or salesperson.
pub fn gross_margin(
    conn: &mut PgConnection,
    currency: Currency,
    book: Currency,
    from: NaiveDate,
    to: NaiveDate,
    group_by: GroupBy,
) -> Result<GrossMargin, AppError> {
    let orders: Vec<OrderMargin> = diesel::sql_query(
        "WITH revenue AS ( \
            SELECT order_id, sum(net) AS revenue FROM sales_invoices \
            WHERE currency = $1 AND issue_date BETWEEN $2 AND $3 GROUP BY order_id), \
         cost AS ( \
            SELECT r.order_id, sum(s.cost) AS cost FROM sales_issues s JOIN outbound_requests r ON r.request_id = s.request_id \
            WHERE s.currency = $4 AND s.issued_on BETWEEN $2 AND $3 GROUP BY r.order_id) \
         SELECT o.order_id, o.order_number, o.customer_id, o.customer_name, o.owner_id, d.name AS owner_name, \
                coalesce(rv.revenue, 0) AS revenue, coalesce(c.cost, 0) AS cost \
         FROM sales_orders o \
         LEFT JOIN revenue rv ON rv.order_id = o.order_id \
         LEFT JOIN cost c ON c.order_id = o.order_id \
         LEFT JOIN directory_employees d ON d.id = o.owner_id \
         WHERE o.currency = $1 AND (rv.revenue IS NOT NULL OR c.cost IS NOT NULL) \
         ORDER BY o.order_number",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Text, _>(book.code())
    .load(conn)?;
    let mut groups: BTreeMap<(String, Uuid), (Option<String>, Decimal, Decimal)> = BTreeMap::new();
    let (mut revenue, mut cost) = (Decimal::ZERO, Decimal::ZERO);
    for o in orders {
        revenue += o.revenue;
        cost += o.cost;
        let (key, name) = match group_by {
            GroupBy::Customer => (o.customer_id, o.customer_name),
            GroupBy::Salesperson => (o.owner_id, o.owner_name),
            _ => (o.order_id, Some(o.order_number.clone())),
        };
        // Sorted by name, then id: stable and readable.
        let g = groups
            .entry((name.clone().unwrap_or_default(), key))
            .or_insert((name, Decimal::ZERO, Decimal::ZERO));
        g.1 += o.revenue;
        g.2 += o.cost;
    }
    let rows = groups
        .into_iter()
        .map(|((_, id), (name, r, c))| margin_row(id, name, r, c, currency, book))
        .collect();
    Ok(GrossMargin {
        currency,
        from,
        to,
        group_by: group_by.as_str().to_owned(),
        rows,
        total: margin_row(Uuid::nil(), Some("total".into()), revenue, cost, currency, book),
    })
}
