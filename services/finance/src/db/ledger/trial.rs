//! The trial balance: what each account moved in a currency over a span of dates.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Date, Numeric, Text};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// One account's movements in a trial balance.
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize, ToSchema)]
pub struct TrialBalanceRow {
    #[diesel(sql_type = Text)]
    pub account_code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub account_type: String,
    #[diesel(sql_type = Text)]
    pub normal_side: String,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub debit: Decimal,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub credit: Decimal,
    /// Debit minus credit: positive is a debit balance, negative a credit balance.
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub balance: Decimal,
}

/// Per account with postings in `currency` between `from` and `to` (inclusive): debits,
/// credits and their difference.
pub fn trial_balance(
    conn: &mut PgConnection,
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TrialBalanceRow>, AppError> {
    let mut rows: Vec<TrialBalanceRow> = diesel::sql_query(
        "SELECT a.code AS account_code, a.name, a.account_type, a.normal_side, \
                sum(l.debit) AS debit, sum(l.credit) AS credit, sum(l.debit) - sum(l.credit) AS balance \
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id JOIN accounts a ON a.code = l.account_code \
         WHERE l.currency = $1 AND e.entry_date BETWEEN $2 AND $3 \
         GROUP BY a.code, a.name, a.account_type, a.normal_side ORDER BY a.code",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?;
    for r in &mut rows {
        r.debit = erp_money::round(r.debit, currency);
        r.credit = erp_money::round(r.credit, currency);
        r.balance = erp_money::round(r.balance, currency);
    }
    Ok(rows)
}
