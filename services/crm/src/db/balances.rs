//! Customers' open receivables as finance reports them (kept for credit checks).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Int8, Numeric, Text, Timestamptz, Uuid as SqlUuid};
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A customer's balance as of `revision`.
#[derive(Debug, Clone)]
pub struct BalanceReport<'a> {
    pub customer_id: Uuid,
    pub currency: &'a str,
    pub open_amount: Decimal,
    pub overdue_amount: Decimal,
    pub revision: i64,
    pub changed_at: DateTime<Utc>,
}

/// Keeps the report unless a later revision is kept already.
pub fn keep_latest(conn: &mut PgConnection, b: &BalanceReport<'_>) -> Result<(), AppError> {
    diesel::sql_query(
        "INSERT INTO customer_balances (customer_id, currency, open_amount, overdue_amount, revision, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (customer_id) DO UPDATE SET currency = excluded.currency, open_amount = excluded.open_amount, \
           overdue_amount = excluded.overdue_amount, revision = excluded.revision, updated_at = excluded.updated_at \
         WHERE customer_balances.revision < excluded.revision",
    )
    .bind::<SqlUuid, _>(b.customer_id)
    .bind::<Text, _>(b.currency)
    .bind::<Numeric, _>(b.open_amount)
    .bind::<Numeric, _>(b.overdue_amount)
    .bind::<Int8, _>(b.revision)
    .bind::<Timestamptz, _>(b.changed_at)
    .execute(conn)?;
    Ok(())
}
