//! Reports, read in the currency asked for or (when none is) the book currency: receivables
//! and payables aging, profit and loss, gross margin and VAT.

use crate::db::ledger::{self, TrialBalanceRow};
use crate::db::reports::{self as report, AgingReport, GrossMargin, GroupBy, ProfitAndLoss, VatReport};
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_money::Currency;
use erp_problem::AppError;

/// The currency asked for, or (when absent) the book currency.
fn currency_or_book(conn: &mut PgConnection, code: Option<&str>) -> Result<Currency, AppError> {
    match code {
        Some(c) => Currency::parse(c).map_err(|e| AppError::validation("currency", e.to_string())),
        None => crate::db::book_currency(conn),
    }
}

pub fn receivables_aging(
    c: &mut PgConnection,
    currency: Option<&str>,
    as_of: NaiveDate,
    by: GroupBy,
) -> Result<AgingReport, AppError> {
    let currency = currency_or_book(c, currency)?;
    report::receivables_aging(c, currency, as_of, by)
}

pub fn payables_aging(c: &mut PgConnection, currency: Option<&str>, as_of: NaiveDate) -> Result<AgingReport, AppError> {
    let currency = currency_or_book(c, currency)?;
    report::payables_aging(c, currency, as_of)
}

pub fn profit_and_loss(
    c: &mut PgConnection,
    currency: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ProfitAndLoss, AppError> {
    let currency = currency_or_book(c, currency)?;
    report::profit_and_loss(c, currency, from, to)
}

pub fn gross_margin(
    c: &mut PgConnection,
    currency: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    by: GroupBy,
) -> Result<GrossMargin, AppError> {
    let currency = currency_or_book(c, currency)?;
    let book = crate::db::book_currency(c)?;
    report::gross_margin(c, currency, book, from, to, by)
}

pub fn vat(
    c: &mut PgConnection,
    currency: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<VatReport, AppError> {
    let currency = currency_or_book(c, currency)?;
    report::vat(c, currency, from, to)
}

/// Per account with postings in `currency` over the dates.
pub fn trial_balance(
    c: &mut PgConnection,
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<TrialBalanceRow>, AppError> {
    ledger::trial_balance(c, currency, from, to)
}
