//! The receivable schedule of approved sales orders (for the credit check now, for aging
//! later) and the customer balance crm keeps for its credit check.

use super::schema::receivables;
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Numeric, Text, Uuid as SqlUuid};
use erp_bus::EventMeta;
use erp_contracts::crm::OrderApproved;
use erp_contracts::finance::CustomerBalanceChanged;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

/// Writes (or, for a replay or a receipt that came first, completes) the schedule of `order`:
/// due `payment_days` after the order date.
pub fn schedule(conn: &mut PgConnection, o: &OrderApproved) -> Result<(), AppError> {
    let due = o.order_date + chrono::Duration::days(i64::from(o.payment_days.max(0)));
    diesel::insert_into(receivables::table)
        .values((
            receivables::order_id.eq(o.order_id),
            receivables::order_number.eq(&o.order_number),
            receivables::customer_id.eq(o.customer_id),
            receivables::customer_name.eq(&o.customer_name),
            receivables::currency.eq(&o.currency),
            receivables::total.eq(o.total),
            receivables::payment_terms.eq(&o.payment_terms),
            receivables::order_date.eq(o.order_date),
            receivables::due_date.eq(due),
            receivables::scheduled.eq(true),
        ))
        .on_conflict(receivables::order_id)
        .do_update()
        .set((
            receivables::order_number.eq(&o.order_number),
            receivables::customer_name.eq(&o.customer_name),
            receivables::currency.eq(&o.currency),
            receivables::total.eq(o.total),
            receivables::payment_terms.eq(&o.payment_terms),
            receivables::order_date.eq(o.order_date),
            receivables::due_date.eq(due),
            receivables::scheduled.eq(true),
            receivables::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds a confirmed receipt to its order's schedule (a row is opened if the order's approval
/// has not arrived yet).
pub fn add_receipt(
    conn: &mut PgConnection,
    order_id: Uuid,
    order_number: &str,
    customer_id: Uuid,
    currency: &str,
    amount: Decimal,
) -> Result<(), AppError> {
    diesel::insert_into(receivables::table)
        .values((
            receivables::order_id.eq(order_id),
            receivables::order_number.eq(order_number),
            receivables::customer_id.eq(customer_id),
            receivables::currency.eq(currency),
            receivables::received.eq(amount),
        ))
        .on_conflict(receivables::order_id)
        .do_update()
        .set((
            receivables::received.eq(receivables::received + amount),
            receivables::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Open {
    #[diesel(sql_type = Numeric)]
    open: Decimal,
    #[diesel(sql_type = Numeric)]
    overdue: Decimal,
}

/// What `customer` still owes in `currency` on its scheduled orders, and the part past due on
/// `today` (an order paid beyond its total owes nothing, it does not offset others).
pub fn open_balance(
    conn: &mut PgConnection,
    customer: Uuid,
    currency: &str,
    today: NaiveDate,
) -> Result<(Decimal, Decimal), AppError> {
    let row: Open = diesel::sql_query(
        "SELECT coalesce(sum(greatest(total - received, 0)), 0) AS open, \
                coalesce(sum(greatest(total - received, 0)) FILTER (WHERE due_date < $3), 0) AS overdue \
         FROM receivables WHERE customer_id = $1 AND currency = $2 AND scheduled",
    )
    .bind::<SqlUuid, _>(customer)
    .bind::<Text, _>(currency)
    .bind::<Date, _>(today)
    .get_result(conn)?;
    Ok((row.open, row.overdue))
}

#[derive(QueryableByName)]
struct Revision {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    revision: i64,
}

/// Publishes `finance.customer.balance.changed` with the customer's open receivables now; the
/// revision comes from one sequence, so it only grows.
pub fn publish_balance(
    conn: &mut PgConnection,
    meta: &EventMeta,
    customer: Uuid,
    currency: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    let (open, overdue) = open_balance(conn, customer, currency, erp_calendar::date_of(now))?;
    let rev: Revision =
        diesel::sql_query("SELECT nextval('customer_balance_revision') AS revision").get_result(conn)?;
    erp_bus::enqueue(
        conn,
        meta,
        &CustomerBalanceChanged {
            customer_id: customer,
            currency: currency.to_owned(),
            open_amount: open,
            overdue_amount: overdue,
            revision: rev.revision,
            changed_at: now,
        },
    )?;
    Ok(())
}
