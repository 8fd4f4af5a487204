//! finance's tables, models and queries. Functions take a connection, usually inside the
//! caller's transaction.

pub mod ledger;
pub mod reports;
pub mod sales;
pub mod schedule;
pub mod schema;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use schema::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub code: String,
    pub name: String,
    /// `asset`, `liability`, `equity`, `revenue` or `expense`.
    pub account_type: String,
    /// `debit` or `credit`: the side a positive balance sits on.
    pub normal_side: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = periods)]
pub struct Period {
    /// `yyyy-mm`.
    pub period: String,
    /// `open` or `closed`.
    pub status: String,
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

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = journal_lines)]
pub struct JournalLine {
    #[serde(skip)]
    pub id: Uuid,
    #[serde(skip)]
    pub entry_id: Uuid,
    pub line_no: i32,
    pub account_code: String,
    #[schema(value_type = String)]
    pub debit: Decimal,
    #[schema(value_type = String)]
    pub credit: Decimal,
    pub currency: String,
    /// `customer`, `supplier` or `employee`.
    pub party_kind: Option<String>,
    pub party_id: Option<Uuid>,
    pub memo: Option<String>,
}

/// A posted entry with its lines. Never changes; corrections are reversals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JournalEntry {
    pub id: Uuid,
    pub number: String,
    pub entry_date: NaiveDate,
    pub period: String,
    pub memo: String,
    /// What the entry came from: `crm.receipt`, `warehouse.outbound_note`, `manual`, …
    pub source_kind: String,
    pub source_id: Option<Uuid>,
    pub source_number: Option<String>,
    /// The event the entry was posted from.
    pub event_id: Option<Uuid>,
    /// The entry this one reverses.
    pub reverses_id: Option<Uuid>,
    /// The entry that reversed this one.
    pub reversed_by: Option<Uuid>,
    pub posted_by: String,
    pub posted_at: DateTime<Utc>,
    pub lines: Vec<JournalLine>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = direct_entries)]
pub struct DirectEntry {
    pub id: Uuid,
    pub number: String,
    /// `income` or `expense`.
    pub kind: String,
    /// The income or expense account (the other side is cash or bank).
    pub account_code: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// `cash` (111) or `bank` (112).
    pub via: String,
    pub entry_date: NaiveDate,
    pub memo: String,
    /// `pending_review`, `posted` or `rejected`.
    pub status: String,
    pub created_by: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
    pub journal_entry_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = payments)]
pub struct Payment {
    pub id: Uuid,
    pub payment_request_id: Uuid,
    /// purchasing's payment request number.
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub supplier_bank_name: Option<String>,
    pub supplier_bank_account: Option<String>,
    /// `deposit`, `part` or `final`.
    pub kind: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    /// `awaiting` or `paid`.
    pub status: String,
    pub paid_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub journal_entry_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = receivables)]
pub struct Receivable {
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    pub currency: String,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = String)]
    pub received: Decimal,
    pub payment_terms: Option<String>,
    pub order_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub scheduled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn find_account(conn: &mut PgConnection, code: &str) -> Result<Option<Account>, AppError> {
    Ok(accounts::table
        .find(code)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
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
