//! The chart of accounts: rows and queries.

use super::schema::accounts;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub code: String,
    pub name: String,
    pub account_type: String,
    pub normal_side: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn find_account(conn: &mut PgConnection, code: &str) -> Result<Option<AccountRow>, AppError> {
    Ok(accounts::table
        .find(code)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every account by code.
pub fn all(conn: &mut PgConnection) -> Result<Vec<AccountRow>, AppError> {
    Ok(accounts::table
        .order(accounts::code)
        .select(AccountRow::as_select())
        .load(conn)?)
}

pub fn insert(
    conn: &mut PgConnection,
    code: &str,
    name: &str,
    account_type: &str,
    normal_side: &str,
) -> Result<(), AppError> {
    diesel::insert_into(accounts::table)
        .values((
            accounts::code.eq(code),
            accounts::name.eq(name),
            accounts::account_type.eq(account_type),
            accounts::normal_side.eq(normal_side),
        ))
        .execute(conn)?;
    Ok(())
}

/// Renames or (de)activates the account read at `version`; false when that version is gone.
pub fn update(conn: &mut PgConnection, code: &str, name: &str, active: bool, version: i64) -> Result<bool, AppError> {
    let changed = diesel::update(accounts::table.find(code).filter(accounts::version.eq(version)))
        .set((
            accounts::name.eq(name),
            accounts::active.eq(active),
            accounts::version.eq(accounts::version + 1),
            accounts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The chart a new company starts with; accounts already there are left alone.
pub fn seed_chart(conn: &mut PgConnection) -> Result<(), AppError> {
    for a in crate::domain::chart::SEED {
        diesel::insert_into(accounts::table)
            .values((
                accounts::code.eq(a.code),
                accounts::name.eq(a.name),
                accounts::account_type.eq(a.account_type),
                accounts::normal_side.eq(a.normal_side),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(())
}
