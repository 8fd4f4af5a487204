//! Receipts: money recorded on an order, decided by finance.

use super::fulfilment::receipts;
use super::schema::sales_orders;
use crate::db::visibility::scoped;
use crate::domain::fulfilment::ReceiptStatus;
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::{Page, Paging};
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = receipts)]
pub struct Receipt {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub currency: String,
    pub amount: Decimal,
    pub received_on: NaiveDate,
    pub method: String,
    pub reference: Option<String>,
    pub status: ReceiptStatus,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = receipts)]
pub struct NewReceipt<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub order_id: Uuid,
    pub order_number: &'a str,
    pub customer_id: Uuid,
    pub currency: &'a str,
    pub amount: Decimal,
    pub received_on: NaiveDate,
    pub method: &'a str,
    pub reference: Option<&'a str>,
    pub status: ReceiptStatus,
    pub recorded_by: &'a str,
}

/// The filters of the receipts list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReceiptFilter {
    pub status: Option<ReceiptStatus>,
    pub order_id: Option<Uuid>,
}

pub fn insert(conn: &mut PgConnection, receipt: &NewReceipt<'_>) -> Result<Receipt, AppError> {
    Ok(diesel::insert_into(receipts::table)
        .values(receipt)
        .returning(Receipt::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Receipt, AppError> {
    receipts::table
        .find(id)
        .select(Receipt::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("receipt"))
}

/// The receipt, locked; lock its order first (one lock order for every order's document).
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Receipt, AppError> {
    receipts::table
        .find(id)
        .select(Receipt::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("receipt"))
}

/// The order a receipt is recorded on.
pub fn order_of(conn: &mut PgConnection, id: Uuid) -> Result<Uuid, AppError> {
    receipts::table
        .find(id)
        .select(receipts::order_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("receipt"))
}

/// The order's receipts, by day received.
pub fn of_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<Receipt>, AppError> {
    Ok(receipts::table
        .filter(receipts::order_id.eq(order_id))
        .order((receipts::received_on, receipts::id))
        .select(Receipt::as_select())
        .load(conn)?)
}

/// The sum of the order's receipts in `statuses`.
pub fn total(conn: &mut PgConnection, order_id: Uuid, statuses: &[ReceiptStatus]) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = receipts::table
        .filter(receipts::order_id.eq(order_id))
        .filter(receipts::status.eq_any(statuses))
        .select(diesel::dsl::sum(receipts::amount))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// Receipts of the orders `scope` sees, in id order after the cursor.
pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    filter: ReceiptFilter,
    paging: Paging,
) -> Result<Page<Receipt>, AppError> {
    let mut sql = receipts::table
        .inner_join(sales_orders::table)
        .select(Receipt::as_select())
        .order(receipts::id)
        .limit(paging.fetch())
        .into_boxed();
    sql = scoped!(
        sql,
        scope,
        sales_orders::owner_id,
        sales_orders::department_id,
        receipts::id
    );
    if let Some(s) = filter.status {
        sql = sql.filter(receipts::status.eq(s));
    }
    if let Some(o) = filter.order_id {
        sql = sql.filter(receipts::order_id.eq(o));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(receipts::id.gt(after));
    }
    Ok(Page::from_rows(sql.load(conn)?, paging.limit, |r| r.id))
}

/// Records finance's decision.
pub fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    status: ReceiptStatus,
    by: &str,
    comment: Option<&str>,
) -> Result<Receipt, AppError> {
    Ok(diesel::update(receipts::table.find(id))
        .set((
            receipts::status.eq(status),
            receipts::decided_by.eq(by),
            receipts::decided_at.eq(Utc::now()),
            receipts::decision_comment.eq(comment),
        ))
        .returning(Receipt::as_returning())
        .get_result(conn)?)
}
