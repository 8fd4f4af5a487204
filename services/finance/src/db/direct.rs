//! Cashiers' direct entries: rows and queries.

use super::schema::direct_entries;
use crate::domain::states::DirectStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = direct_entries)]
pub struct DirectEntryRow {
    pub id: Uuid,
    pub number: String,
    pub kind: String,
    pub account_code: String,
    pub amount: Decimal,
    pub currency: String,
    pub via: String,
    pub entry_date: NaiveDate,
    pub memo: String,
    pub status: DirectStatus,
    pub created_by: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
    pub journal_entry_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = direct_entries)]
pub struct NewDirectEntry<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub kind: &'a str,
    pub account_code: &'a str,
    pub amount: Decimal,
    pub currency: &'a str,
    pub via: &'a str,
    pub entry_date: NaiveDate,
    pub memo: &'a str,
    pub status: DirectStatus,
    pub created_by: &'a str,
}

/// What a review writes.
#[derive(Debug)]
pub struct Review<'a> {
    pub status: DirectStatus,
    pub reviewed_by: &'a str,
    pub comment: Option<&'a str>,
    pub journal_entry_id: Option<Uuid>,
}

pub fn find(c: &mut PgConnection, id: Uuid) -> Result<DirectEntryRow, AppError> {
    direct_entries::table
        .find(id)
        .select(DirectEntryRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("direct entry"))
}

pub fn lock(c: &mut PgConnection, id: Uuid) -> Result<DirectEntryRow, AppError> {
    direct_entries::table
        .find(id)
        .select(DirectEntryRow::as_select())
        .for_update()
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("direct entry"))
}

/// One page (plus one row to tell whether more follow) in id order.
pub fn list(
    c: &mut PgConnection,
    status: Option<DirectStatus>,
    paging: &Paging,
) -> Result<Vec<DirectEntryRow>, AppError> {
    let mut sql = direct_entries::table
        .select(DirectEntryRow::as_select())
        .order(direct_entries::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(s) = status {
        sql = sql.filter(direct_entries::status.eq(s));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(direct_entries::id.gt(after));
    }
    Ok(sql.load(c)?)
}

pub fn insert(c: &mut PgConnection, entry: &NewDirectEntry) -> Result<DirectEntryRow, AppError> {
    Ok(diesel::insert_into(direct_entries::table)
        .values(entry)
        .returning(DirectEntryRow::as_returning())
        .get_result(c)?)
}

/// Records the review's outcome, bumping the version.
pub fn review(c: &mut PgConnection, id: Uuid, r: &Review) -> Result<(), AppError> {
    diesel::update(direct_entries::table.find(id))
        .set((
            direct_entries::status.eq(r.status),
            direct_entries::reviewed_by.eq(r.reviewed_by),
            direct_entries::reviewed_at.eq(Utc::now()),
            direct_entries::review_comment.eq(r.comment),
            direct_entries::journal_entry_id.eq(r.journal_entry_id),
            direct_entries::version.eq(direct_entries::version + 1),
            direct_entries::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}
