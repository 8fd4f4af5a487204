//! finance's tables, models and queries. Functions take a connection, usually inside the
//! caller's transaction.

pub mod accounts;
pub mod direct;
pub mod ledger;
pub mod payments;
pub mod purchases;
pub mod reports;
pub mod sales;
pub mod schedule;
mod schema;

use crate::domain::states::PeriodStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_money::Currency;
use erp_problem::AppError;
use schema::*;
use uuid::Uuid;

pub use accounts::{AccountRow, find_account};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = periods)]
pub struct PeriodRow {
    pub period: String,
    pub status: PeriodStatus,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = journal_entries)]
pub struct EntryRow {
    pub id: Uuid,
    pub number: String,
    pub entry_date: NaiveDate,
    pub period: String,
    pub memo: String,
    pub source_kind: String,
    pub source_id: Option<Uuid>,
    pub source_number: Option<String>,
    pub event_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    pub posted_by: String,
    pub posted_at: DateTime<Utc>,
}

/// The months of the books, newest first.
pub fn periods(conn: &mut PgConnection) -> Result<Vec<PeriodRow>, AppError> {
    Ok(periods::table
        .order(periods::period.desc())
        .select(PeriodRow::as_select())
        .load(conn)?)
}

/// The currency the books carry stock in (warehouse events name none).
pub fn book_currency(conn: &mut PgConnection) -> Result<Currency, AppError> {
    let code: Option<String> = ledger_settings::table
        .select(ledger_settings::book_currency)
        .first(conn)
        .optional()?;
    match code {
        Some(c) => Currency::parse(&c).map_err(AppError::internal),
        None => Ok(Currency::Vnd),
    }
}

/// First start: the chart of accounts and the book currency (`FINANCE_BOOK_CURRENCY`, VND when
/// unset); what is already there is left alone.
pub fn seed(conn: &mut PgConnection) -> Result<(), AppError> {
    accounts::seed_chart(conn)?;
    let currency = std::env::var("FINANCE_BOOK_CURRENCY")
        .ok()
        .and_then(|c| Currency::parse(&c).ok())
        .unwrap_or(Currency::Vnd);
    diesel::insert_into(ledger_settings::table)
        .values(ledger_settings::book_currency.eq(currency.code()))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}
