//! Direct entries (seed 001 §7): a cashier records money in (income) or out (expense) against
//! an account, by cash (111) or bank (112); it waits as `pending_review` in the inbox of the
//! role the authority matrix names (a finance manager by default) until one other than its
//! author posts it or rejects it with a comment.

mod approval;

pub use approval::DOCUMENT_TYPE;

use crate::db::direct::{self as rows, DirectEntryRow, NewDirectEntry};
use crate::db::{self as db};
use crate::domain::chart;
use crate::domain::states::DirectStatus;
use chrono::{Datelike, NaiveDate};
use diesel::PgConnection;
use erp_approval::{decide_document, submit_document, submit_if_never_submitted};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_db::{Page, Paging};
use erp_money::Currency;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct DirectEntryInput {
    /// `income` (Dr cash/bank, Cr account) or `expense` (Dr account, Cr cash/bank).
    pub kind: String,
    /// The income or expense account, e.g. `711`, `642`, `334`.
    pub account: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// `cash` or `bank`.
    pub via: String,
    /// Today when absent.
    pub entry_date: Option<NaiveDate>,
    pub memo: String,
}

pub fn list(
    c: &mut PgConnection,
    status: Option<DirectStatus>,
    paging: &Paging,
) -> Result<Page<DirectEntryRow>, AppError> {
    let rows = rows::list(c, status, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<DirectEntryRow, AppError> {
    rows::find(c, id)
}

/// The input's currency, with every field problem named.
fn check(input: &DirectEntryInput) -> Result<Currency, AppError> {
    let mut v = Validator::new();
    v.check(
        input.kind == "income" || input.kind == "expense",
        "kind",
        "must be income or expense",
    );
    v.check(
        input.via == "cash" || input.via == "bank",
        "via",
        "must be cash or bank",
    );
    v.text("memo", &input.memo, 500);
    let currency = Currency::parse(&input.currency);
    match currency {
        Err(ref e) => {
            v.add("currency", e.to_string());
        }
        Ok(c) => {
            if let Some(problem) = c.amount_problem(input.amount) {
                v.add("amount", problem);
            }
        }
    }
    let account = input.account.trim();
    v.check(
        account != chart::CASH && account != chart::BANK,
        "account",
        "must be the income or expense account, not cash or bank",
    );
    v.finish()?;
    currency.map_err(AppError::internal)
}

/// A cashier (or finance manager) records income or an expense; it goes to the reviewer's inbox.
pub fn create(
    c: &mut PgConnection,
    actor: &CurrentUser,
    input: &DirectEntryInput,
    meta: &EventMeta,
) -> Result<DirectEntryRow, AppError> {
    let currency = check(input)?;
    let account = input.account.trim();
    match db::find_account(c, account)? {
        None => return Err(AppError::validation("account", format!("no account {account}"))),
        Some(a) if !a.active => {
            return Err(AppError::validation(
                "account",
                format!("account {account} is inactive"),
            ));
        }
        Some(_) => {}
    }
    let date = input.entry_date.unwrap_or_else(erp_calendar::today);
    let number = erp_db::next_number(c, "DE", date.year())?;
    let entry = rows::insert(
        c,
        &NewDirectEntry {
            id: Uuid::now_v7(),
            number: &number,
            kind: &input.kind,
            account_code: account,
            amount: erp_money::round(input.amount, currency),
            currency: currency.code(),
            via: &input.via,
            entry_date: date,
            memo: input.memo.trim(),
            status: DirectStatus::PendingReview,
            created_by: &actor.actor(),
        },
    )?;
    submit_document(c, &entry, actor, meta)?;
    rows::find(c, entry.id)
}

/// A reviewer's decision: a rejection needs a comment.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<DirectEntryRow, AppError> {
    let comment = erp_approval::checked_comment(approve, comment, "an entry")?;
    let entry = rows::lock(c, id)?;
    if !submit_if_never_submitted(c, &entry, &entry.created_by, meta)? {
        return rows::find(c, id);
    }
    decide_document::<DirectEntryRow>(c, id, approver, approve, comment.as_deref(), meta)?;
    rows::find(c, id)
}
