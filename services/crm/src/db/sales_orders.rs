//! Sales orders, their lines and their contract review: rows and queries.

use super::schema::{sales_order_lines, sales_orders};
use super::visibility::scoped;
use crate::domain::documents::OrderStatus;
use crate::domain::pricing::NewLine;
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_orders)]
pub struct SalesOrderRow {
    pub id: Uuid,
    pub number: String,
    pub quotation_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: String,
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    pub payment_terms: String,
    pub payment_days: i32,
    pub seller: serde_json::Value,
    pub buyer: serde_json::Value,
    pub terms: serde_json::Value,
    pub attachments: Vec<String>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub total_in_words: String,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sales_order_lines)]
pub struct OrderLineRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_pct: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub floor_price: Option<Decimal>,
    pub unit_cost: Option<Decimal>,
    pub delivery_date: Option<NaiveDate>,
    pub requested: Decimal,
    pub issued: Decimal,
    pub shipped: Decimal,
    pub invoiced: Decimal,
}

/// An order's header as written.
#[derive(Debug, Insertable)]
#[diesel(table_name = sales_orders)]
pub struct NewOrder<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub quotation_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: &'a str,
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    pub payment_terms: &'a str,
    pub payment_days: i32,
    pub seller: serde_json::Value,
    pub buyer: serde_json::Value,
    pub terms: serde_json::Value,
    pub attachments: &'a [String],
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub total_in_words: &'a str,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub created_by: &'a str,
}

/// What changing a draft writes.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = sales_orders, treat_none_as_null = true)]
pub struct OrderChange<'a> {
    pub status: OrderStatus,
    pub currency: &'a str,
    pub order_date: NaiveDate,
    pub payment_terms: &'a str,
    pub payment_days: i32,
    pub seller: serde_json::Value,
    pub buyer: serde_json::Value,
    pub terms: serde_json::Value,
    pub attachments: &'a [String],
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub total_in_words: &'a str,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
}

/// The totals and terms an approved change request writes.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = sales_orders, treat_none_as_null = true)]
pub struct ChangedTotals<'a> {
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub total_in_words: &'a str,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub terms: serde_json::Value,
}

#[derive(Debug, Clone, Copy)]
pub struct OrderFilter {
    pub scope: Scope,
    pub status: Option<OrderStatus>,
    pub customer_id: Option<Uuid>,
}

pub fn lines(conn: &mut PgConnection, id: Uuid) -> Result<Vec<OrderLineRow>, AppError> {
    Ok(sales_order_lines::table
        .filter(sales_order_lines::order_id.eq(id))
        .order(sales_order_lines::line_no)
        .select(OrderLineRow::as_select())
        .load(conn)?)
}

/// A sales order the user may see (404 otherwise), locked for the rest of the transaction.
pub fn lock_visible(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<SalesOrderRow, AppError> {
    sales_orders::table
        .find(id)
        .select(SalesOrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .filter(|o| scope.sees(o.owner_id, o.department_id))
        .ok_or_else(|| AppError::not_found("sales order"))
}

pub fn visible(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<SalesOrderRow, AppError> {
    sales_orders::table
        .find(id)
        .select(SalesOrderRow::as_select())
        .first(conn)
        .optional()?
        .filter(|o| scope.sees(o.owner_id, o.department_id))
        .ok_or_else(|| AppError::not_found("sales order"))
}

/// One page (plus one row to tell whether more follow) in id order.
pub fn list(c: &mut PgConnection, f: &OrderFilter, paging: &Paging) -> Result<Vec<SalesOrderRow>, AppError> {
    let mut sql = sales_orders::table
        .select(SalesOrderRow::as_select())
        .order(sales_orders::id)
        .limit(paging.fetch())
        .into_boxed();
    sql = scoped!(
        sql,
        f.scope,
        sales_orders::owner_id,
        sales_orders::department_id,
        sales_orders::id
    );
    if let Some(s) = f.status {
        sql = sql.filter(sales_orders::status.eq(s));
    }
    if let Some(cu) = f.customer_id {
        sql = sql.filter(sales_orders::customer_id.eq(cu));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(sales_orders::id.gt(after));
    }
    Ok(sql.load(c)?)
}

/// Orders made from the quotation that are not cancelled.
pub fn live_orders_of_quotation(c: &mut PgConnection, quotation_id: Uuid) -> Result<i64, AppError> {
    Ok(sales_orders::table
        .filter(sales_orders::quotation_id.eq(quotation_id))
        .filter(sales_orders::status.ne(OrderStatus::Cancelled))
        .count()
        .get_result(c)?)
}

/// The total of the customer's other approved or in-fulfilment orders on credit terms in
/// `currency`: goods promised and not yet owed.
pub fn committed_on_credit(
    c: &mut PgConnection,
    customer_id: Uuid,
    currency: &str,
    except: Uuid,
) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = sales_orders::table
        .filter(sales_orders::customer_id.eq(customer_id))
        .filter(sales_orders::currency.eq(currency))
        .filter(sales_orders::id.ne(except))
        .filter(sales_orders::status.eq_any([OrderStatus::Approved, OrderStatus::InFulfilment]))
        .filter(sales_orders::payment_terms.eq_any(["net_days", "monthly_settlement"]))
        .select(diesel::dsl::sum(sales_orders::total))
        .first(c)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

pub fn insert(c: &mut PgConnection, o: &NewOrder) -> Result<(), AppError> {
    diesel::insert_into(sales_orders::table).values(o).execute(c)?;
    Ok(())
}

/// Changes a draft's header, bumping its version.
pub fn update(c: &mut PgConnection, id: Uuid, change: &OrderChange) -> Result<(), AppError> {
    diesel::update(sales_orders::table.find(id))
        .set((
            change,
            sales_orders::version.eq(sales_orders::version + 1),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Writes an approved change's totals and terms, bumping the version.
pub fn set_changed_totals(c: &mut PgConnection, id: Uuid, totals: &ChangedTotals) -> Result<(), AppError> {
    diesel::update(sales_orders::table.find(id))
        .set((
            totals,
            sales_orders::version.eq(sales_orders::version + 1),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Moves an order to `status` (the caller checked the move), bumping its version.
pub fn set_status(c: &mut PgConnection, id: Uuid, status: OrderStatus) -> Result<(), AppError> {
    diesel::update(sales_orders::table.find(id))
        .set((
            sales_orders::status.eq(status),
            sales_orders::version.eq(sales_orders::version + 1),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

pub fn set_approval(c: &mut PgConnection, id: Uuid, request_id: Uuid) -> Result<(), AppError> {
    diesel::update(sales_orders::table.find(id))
        .set(sales_orders::approval_request_id.eq(request_id))
        .execute(c)?;
    Ok(())
}

/// Replaces the order's lines; one multi-row INSERT per 1,000 lines (a 1,000-line order is one
/// round trip, not a thousand, and stays under PostgreSQL's bind-parameter limit).
pub fn replace_lines(c: &mut PgConnection, order_id: Uuid, rows: &[NewLine]) -> Result<(), AppError> {
    diesel::delete(sales_order_lines::table.filter(sales_order_lines::order_id.eq(order_id))).execute(c)?;
    let numbered: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| line_values(order_id, i32::try_from(i + 1).unwrap_or(i32::MAX), r))
        .collect();
    for chunk in numbered.chunks(1000) {
        diesel::insert_into(sales_order_lines::table).values(chunk).execute(c)?;
    }
    Ok(())
}

pub fn insert_line(c: &mut PgConnection, order_id: Uuid, line_no: i32, r: &NewLine) -> Result<(), AppError> {
    diesel::insert_into(sales_order_lines::table)
        .values(line_values(order_id, line_no, r))
        .execute(c)?;
    Ok(())
}

/// Rewrites a line's priced fields (an approved change).
pub fn update_line(c: &mut PgConnection, id: Uuid, r: &NewLine) -> Result<(), AppError> {
    diesel::update(sales_order_lines::table.find(id))
        .set((
            sales_order_lines::quantity.eq(r.input.quantity),
            sales_order_lines::unit_price.eq(r.input.unit_price),
            sales_order_lines::discount_pct.eq(r.input.discount_pct),
            sales_order_lines::tax_rate.eq(r.input.tax_rate_pct),
            sales_order_lines::net.eq(r.net),
            sales_order_lines::tax.eq(r.tax),
            sales_order_lines::total.eq(r.total),
            sales_order_lines::floor_price.eq(r.floor_price),
            sales_order_lines::delivery_date.eq(r.delivery_date),
        ))
        .execute(c)?;
    Ok(())
}

/// The column values of one order line.
#[allow(clippy::type_complexity)]
fn line_values(
    order_id: Uuid,
    line_no: i32,
    r: &NewLine,
) -> (
    diesel::dsl::Eq<sales_order_lines::id, Uuid>,
    diesel::dsl::Eq<sales_order_lines::order_id, Uuid>,
    diesel::dsl::Eq<sales_order_lines::line_no, i32>,
    diesel::dsl::Eq<sales_order_lines::item_id, Uuid>,
    diesel::dsl::Eq<sales_order_lines::description, String>,
    diesel::dsl::Eq<sales_order_lines::quantity, Decimal>,
    diesel::dsl::Eq<sales_order_lines::unit, String>,
    diesel::dsl::Eq<sales_order_lines::unit_price, Decimal>,
    diesel::dsl::Eq<sales_order_lines::discount_pct, Decimal>,
    diesel::dsl::Eq<sales_order_lines::tax_rate, Decimal>,
    diesel::dsl::Eq<sales_order_lines::net, Decimal>,
    diesel::dsl::Eq<sales_order_lines::tax, Decimal>,
    diesel::dsl::Eq<sales_order_lines::total, Decimal>,
    diesel::dsl::Eq<sales_order_lines::floor_price, Option<Decimal>>,
    diesel::dsl::Eq<sales_order_lines::unit_cost, Option<Decimal>>,
    diesel::dsl::Eq<sales_order_lines::delivery_date, Option<NaiveDate>>,
) {
    (
        sales_order_lines::id.eq(Uuid::now_v7()),
        sales_order_lines::order_id.eq(order_id),
        sales_order_lines::line_no.eq(line_no),
        sales_order_lines::item_id.eq(r.item_id),
        sales_order_lines::description.eq(r.description.clone()),
        sales_order_lines::quantity.eq(r.input.quantity),
        sales_order_lines::unit.eq(r.unit.clone()),
        sales_order_lines::unit_price.eq(r.input.unit_price),
        sales_order_lines::discount_pct.eq(r.input.discount_pct),
        sales_order_lines::tax_rate.eq(r.input.tax_rate_pct),
        sales_order_lines::net.eq(r.net),
        sales_order_lines::tax.eq(r.tax),
        sales_order_lines::total.eq(r.total),
        sales_order_lines::floor_price.eq(r.floor_price),
        sales_order_lines::unit_cost.eq(r.unit_cost),
        sales_order_lines::delivery_date.eq(r.delivery_date),
    )
}
