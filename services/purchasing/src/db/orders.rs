//! Purchase orders and their lines: rows and queries.

use super::schema::{purchase_order_lines, purchase_orders};
use crate::domain::orders::OrderStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = purchase_orders)]
pub struct OrderRow {
    pub id: Uuid,
    pub number: String,
    pub supplier_id: Uuid,
    pub request_id: Option<Uuid>,
    pub quotation_id: Option<Uuid>,
    pub currency: String,
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    pub expected_arrival: Option<NaiveDate>,
    pub payment_terms: String,
    pub payment_days: i32,
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub buyer_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = purchase_order_lines)]
pub struct OrderLineRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub request_line_id: Option<Uuid>,
    pub description: String,
    pub unit: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub expected_arrival: Option<NaiveDate>,
    pub arrived: Decimal,
    pub received: Decimal,
    pub invoiced: Decimal,
}

/// An order's header as written on create (as a draft) and on edit.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = purchase_orders, treat_none_as_null = true)]
pub struct OrderValues {
    pub supplier_id: Uuid,
    pub currency: String,
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    pub expected_arrival: Option<NaiveDate>,
    pub payment_terms: String,
    pub payment_days: i32,
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
}

/// Who made a new order and what it was made from.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = purchase_orders)]
pub struct NewOrder {
    pub id: Uuid,
    pub number: String,
    pub request_id: Option<Uuid>,
    pub quotation_id: Option<Uuid>,
    pub created_by: String,
    pub buyer_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

/// A line to be stored.
#[derive(Debug, Clone)]
pub struct NewOrderLine {
    pub item_id: Uuid,
    pub request_line_id: Option<Uuid>,
    pub description: String,
    pub unit: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub expected_arrival: Option<NaiveDate>,
}

/// A list's filters.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub supplier_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
}

fn not_found() -> AppError {
    AppError::not_found("purchase order")
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<OrderRow, AppError> {
    purchase_orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Locks the order (`FOR UPDATE`); unknown is a 404.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<OrderRow, AppError> {
    purchase_orders::table
        .find(id)
        .select(OrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

pub fn list(conn: &mut PgConnection, f: &OrderFilter, paging: &Paging) -> Result<Vec<OrderRow>, AppError> {
    let mut sql = purchase_orders::table
        .select(OrderRow::as_select())
        .order(purchase_orders::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(s) = f.status {
        sql = sql.filter(purchase_orders::status.eq(s));
    }
    if let Some(s) = f.supplier_id {
        sql = sql.filter(purchase_orders::supplier_id.eq(s));
    }
    if let Some(r) = f.request_id {
        sql = sql.filter(purchase_orders::request_id.eq(r));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(purchase_orders::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

pub fn lines(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<OrderLineRow>, AppError> {
    Ok(purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq(order_id))
        .order(purchase_order_lines::line_no)
        .select(OrderLineRow::as_select())
        .load(conn)?)
}

/// Locks an order's lines (after the order itself: one lock order everywhere).
pub fn lock_lines(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<OrderLineRow>, AppError> {
    Ok(purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq(order_id))
        .order(purchase_order_lines::line_no)
        .select(OrderLineRow::as_select())
        .for_update()
        .load(conn)?)
}

pub fn insert(
    conn: &mut PgConnection,
    order: &NewOrder,
    values: &OrderValues,
    lines: &[NewOrderLine],
) -> Result<(), AppError> {
    diesel::insert_into(purchase_orders::table)
        .values((order, values))
        .execute(conn)?;
    replace_lines(conn, order.id, lines)
}

/// Changes an order's header, bumping its version.
pub fn update(conn: &mut PgConnection, id: Uuid, values: &OrderValues) -> Result<(), AppError> {
    diesel::update(purchase_orders::table.find(id))
        .set((
            values,
            purchase_orders::version.eq(purchase_orders::version + 1),
            purchase_orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the order's lines, numbered in order.
pub fn replace_lines(conn: &mut PgConnection, order_id: Uuid, lines: &[NewOrderLine]) -> Result<(), AppError> {
    diesel::delete(purchase_order_lines::table.filter(purchase_order_lines::order_id.eq(order_id))).execute(conn)?;
    let values: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                purchase_order_lines::id.eq(Uuid::now_v7()),
                purchase_order_lines::order_id.eq(order_id),
                purchase_order_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                purchase_order_lines::item_id.eq(r.item_id),
                purchase_order_lines::request_line_id.eq(r.request_line_id),
                purchase_order_lines::description.eq(&r.description),
                purchase_order_lines::unit.eq(&r.unit),
                purchase_order_lines::quantity.eq(r.quantity),
                purchase_order_lines::unit_price.eq(r.unit_price),
                purchase_order_lines::tax_rate.eq(r.tax_rate),
                purchase_order_lines::net.eq(r.net),
                purchase_order_lines::tax.eq(r.tax),
                purchase_order_lines::total.eq(r.total),
                purchase_order_lines::expected_arrival.eq(r.expected_arrival),
            )
        })
        .collect();
    diesel::insert_into(purchase_order_lines::table)
        .values(values)
        .execute(conn)?;
    Ok(())
}

/// Moves an order to `status` (the caller checked the move), bumping its version.
pub fn set_status(conn: &mut PgConnection, id: Uuid, status: OrderStatus) -> Result<(), AppError> {
    diesel::update(purchase_orders::table.find(id))
        .set((
            purchase_orders::status.eq(status),
            purchase_orders::version.eq(purchase_orders::version + 1),
            purchase_orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_approval(conn: &mut PgConnection, id: Uuid, approval_request_id: Uuid) -> Result<(), AppError> {
    diesel::update(purchase_orders::table.find(id))
        .set(purchase_orders::approval_request_id.eq(approval_request_id))
        .execute(conn)?;
    Ok(())
}

/// Orders open for receipt, due before `today`, of which nothing was received and that were not
/// reminded yet; locked, skipping those another transaction holds.
pub fn overdue(conn: &mut PgConnection, today: NaiveDate) -> Result<Vec<OrderRow>, AppError> {
    let open: Vec<OrderStatus> = OrderStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open_for_receipt())
        .collect();
    let something_received = purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq(purchase_orders::id))
        .filter(purchase_order_lines::received.gt(Decimal::ZERO));
    Ok(purchase_orders::table
        .filter(purchase_orders::status.eq_any(open))
        .filter(purchase_orders::expected_arrival.lt(today))
        .filter(purchase_orders::reminded_at.is_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(something_received)))
        .order(purchase_orders::id)
        .select(OrderRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?)
}

pub fn set_reminded(conn: &mut PgConnection, id: Uuid, at: DateTime<Utc>) -> Result<(), AppError> {
    diesel::update(purchase_orders::table.find(id))
        .set(purchase_orders::reminded_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Adds `quantity` to what was announced of a line.
pub fn add_arrived(conn: &mut PgConnection, line_id: Uuid, quantity: Decimal) -> Result<(), AppError> {
    diesel::update(purchase_order_lines::table.find(line_id))
        .set(purchase_order_lines::arrived.eq(purchase_order_lines::arrived + quantity))
        .execute(conn)?;
    Ok(())
}

/// Adds `quantity` to what was invoiced of a line.
pub fn add_invoiced(conn: &mut PgConnection, line_id: Uuid, quantity: Decimal) -> Result<(), AppError> {
    diesel::update(purchase_order_lines::table.find(line_id))
        .set(purchase_order_lines::invoiced.eq(purchase_order_lines::invoiced + quantity))
        .execute(conn)?;
    Ok(())
}

/// A line's announced and received quantities.
pub fn arrived_and_received(conn: &mut PgConnection, line_id: Uuid) -> Result<(Decimal, Decimal), AppError> {
    Ok(purchase_order_lines::table
        .find(line_id)
        .select((purchase_order_lines::arrived, purchase_order_lines::received))
        .first(conn)?)
}

pub fn set_arrived_and_received(
    conn: &mut PgConnection,
    line_id: Uuid,
    arrived: Decimal,
    received: Decimal,
) -> Result<(), AppError> {
    diesel::update(purchase_order_lines::table.find(line_id))
        .set((
            purchase_order_lines::received.eq(received),
            purchase_order_lines::arrived.eq(arrived),
        ))
        .execute(conn)?;
    Ok(())
}
