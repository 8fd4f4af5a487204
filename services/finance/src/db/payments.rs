//! Supplier payments purchasing asked for: rows and queries.

use super::schema::payments;
use crate::domain::states::PaymentStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_contracts::purchasing::PaymentRequested;
use erp_db::Paging;
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: Uuid,
    pub payment_request_id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub supplier_bank_name: Option<String>,
    pub supplier_bank_account: Option<String>,
    pub kind: String,
    pub currency: String,
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    pub status: PaymentStatus,
    pub paid_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub journal_entry_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A list's filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaymentFilter {
    pub status: Option<PaymentStatus>,
    pub supplier_id: Option<Uuid>,
}

/// What paying writes.
#[derive(Debug)]
pub struct Paid<'a> {
    pub paid_on: NaiveDate,
    pub reference: Option<&'a str>,
    pub paid_by: &'a str,
    pub journal_entry_id: Uuid,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<PaymentRow, AppError> {
    payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("payment"))
}

pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<PaymentRow, AppError> {
    payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("payment"))
}

/// One page (plus one row to tell whether more follow) in id order.
pub fn list(conn: &mut PgConnection, f: &PaymentFilter, paging: &Paging) -> Result<Vec<PaymentRow>, AppError> {
    let mut sql = payments::table
        .select(PaymentRow::as_select())
        .order(payments::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(s) = f.status {
        sql = sql.filter(payments::status.eq(s));
    }
    if let Some(s) = f.supplier_id {
        sql = sql.filter(payments::supplier_id.eq(s));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(payments::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

pub fn mark_paid(conn: &mut PgConnection, id: Uuid, paid: &Paid) -> Result<(), AppError> {
    diesel::update(payments::table.find(id))
        .set((
            payments::status.eq(PaymentStatus::Paid),
            payments::paid_on.eq(paid.paid_on),
            payments::reference.eq(paid.reference),
            payments::paid_by.eq(paid.paid_by),
            payments::paid_at.eq(Utc::now()),
            payments::journal_entry_id.eq(paid.journal_entry_id),
            payments::version.eq(payments::version + 1),
            payments::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records purchasing's approved payment request as awaiting payment; false when it was
/// already known.
pub fn insert_requested(conn: &mut PgConnection, e: &PaymentRequested, currency: Currency) -> Result<bool, AppError> {
    let inserted = diesel::insert_into(payments::table)
        .values((
            payments::id.eq(Uuid::now_v7()),
            payments::payment_request_id.eq(e.payment_request_id),
            payments::number.eq(&e.number),
            payments::order_id.eq(e.order_id),
            payments::order_number.eq(&e.order_number),
            payments::supplier_id.eq(e.supplier_id),
            payments::supplier_name.eq(&e.supplier_name),
            payments::supplier_bank_name.eq(&e.supplier_bank_name),
            payments::supplier_bank_account.eq(&e.supplier_bank_account),
            payments::kind.eq(&e.kind),
            payments::currency.eq(currency.code()),
            payments::amount.eq(erp_money::round(e.amount, currency)),
            payments::due_date.eq(e.due_date),
            payments::status.eq(PaymentStatus::Awaiting),
        ))
        .on_conflict(payments::payment_request_id)
        .do_nothing()
        .execute(conn)?;
    Ok(inserted > 0)
}
