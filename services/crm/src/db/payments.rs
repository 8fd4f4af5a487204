//! The payment plan of an order: instalments with due dates, replaced as a whole.

use super::fulfilment::payment_plan_instalments;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_plan_instalments)]
pub struct Instalment {
    pub order_id: Uuid,
    pub seq: i32,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    pub note: Option<String>,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payment_plan_instalments)]
pub struct NewInstalment<'a> {
    pub order_id: Uuid,
    pub seq: i32,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    pub note: Option<&'a str>,
    pub set_by: &'a str,
    pub set_at: DateTime<Utc>,
}

/// The order's instalments in due-date order.
pub fn instalments(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<Instalment>, AppError> {
    Ok(payment_plan_instalments::table
        .filter(payment_plan_instalments::order_id.eq(order_id))
        .order(payment_plan_instalments::seq)
        .select(Instalment::as_select())
        .load(conn)?)
}

/// Replaces the order's plan with `rows`.
pub fn replace(conn: &mut PgConnection, order_id: Uuid, rows: &[NewInstalment<'_>]) -> Result<(), AppError> {
    diesel::delete(payment_plan_instalments::table.filter(payment_plan_instalments::order_id.eq(order_id)))
        .execute(conn)?;
    diesel::insert_into(payment_plan_instalments::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}
