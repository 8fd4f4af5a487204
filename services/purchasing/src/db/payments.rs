//! Payment requests: the row and its queries.

use super::schema::payment_requests;
use crate::domain::settlement::PaymentStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_requests)]
pub struct PaymentRequestRow {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub kind: String,
    pub currency: String,
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
    pub status: PaymentStatus,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    pub paid_amount: Option<Decimal>,
    pub paid_on: Option<NaiveDate>,
    pub payment_reference: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payment_requests)]
pub struct NewPaymentRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub kind: String,
    pub currency: String,
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
    pub status: PaymentStatus,
    pub requested_by: String,
}

/// A list's filters.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    pub status: Option<PaymentStatus>,
    pub order_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
}

fn not_found() -> AppError {
    AppError::not_found("payment request")
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<PaymentRequestRow, AppError> {
    payment_requests::table
        .find(id)
        .select(PaymentRequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Locks the payment request (`FOR UPDATE`); unknown is a 404.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<PaymentRequestRow, AppError> {
    payment_requests::table
        .find(id)
        .select(PaymentRequestRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// The order a payment request is for, if the request exists.
pub fn order_of(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(payment_requests::table
        .find(id)
        .select(payment_requests::order_id)
        .first(conn)
        .optional()?)
}

pub fn of_order(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<PaymentRequestRow>, AppError> {
    Ok(payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .order(payment_requests::id)
        .select(PaymentRequestRow::as_select())
        .load(conn)?)
}

pub fn list(conn: &mut PgConnection, f: &PaymentFilter, paging: &Paging) -> Result<Vec<PaymentRequestRow>, AppError> {
    let mut sql = payment_requests::table
        .select(PaymentRequestRow::as_select())
        .order(payment_requests::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(s) = f.status {
        sql = sql.filter(payment_requests::status.eq(s));
    }
    if let Some(o) = f.order_id {
        sql = sql.filter(payment_requests::order_id.eq(o));
    }
    if let Some(s) = f.supplier_id {
        sql = sql.filter(payment_requests::supplier_id.eq(s));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(payment_requests::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

pub fn insert(conn: &mut PgConnection, new: &NewPaymentRequest) -> Result<(), AppError> {
    diesel::insert_into(payment_requests::table).values(new).execute(conn)?;
    Ok(())
}

/// Records the decision on a request.
pub fn set_decided(
    conn: &mut PgConnection,
    id: Uuid,
    status: PaymentStatus,
    decided_by: &str,
    comment: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(payment_requests::table.find(id))
        .set((
            payment_requests::status.eq(status),
            payment_requests::decided_by.eq(decided_by),
            payment_requests::decided_at.eq(Utc::now()),
            payment_requests::decision_comment.eq(comment),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records finance's payment of a request.
pub fn set_paid(
    conn: &mut PgConnection,
    id: Uuid,
    status: PaymentStatus,
    amount: Decimal,
    paid_on: NaiveDate,
    reference: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(payment_requests::table.find(id))
        .set((
            payment_requests::status.eq(status),
            payment_requests::paid_amount.eq(Some(amount)),
            payment_requests::paid_on.eq(Some(paid_on)),
            payment_requests::payment_reference.eq(reference),
            payment_requests::paid_at.eq(Some(Utc::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The sum of an order's payment requests in `statuses`.
pub fn total(conn: &mut PgConnection, order_id: Uuid, statuses: &[PaymentStatus]) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .filter(payment_requests::status.eq_any(statuses))
        .select(diesel::dsl::sum(payment_requests::amount))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// The sum of what finance paid on an order's payment requests.
pub fn paid_total(conn: &mut PgConnection, order_id: Uuid) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .filter(payment_requests::status.eq(PaymentStatus::Paid))
        .select(diesel::dsl::sum(payment_requests::paid_amount))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

/// How many of an order's payment requests are in `statuses`.
pub fn count(conn: &mut PgConnection, order_id: Uuid, statuses: &[PaymentStatus]) -> Result<i64, AppError> {
    Ok(payment_requests::table
        .filter(payment_requests::order_id.eq(order_id))
        .filter(payment_requests::status.eq_any(statuses))
        .count()
        .get_result(conn)?)
}
