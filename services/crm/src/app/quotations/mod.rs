//! Quotations: priced lines, totals by the money rules, validity, revisions; `draft →
//! pending_approval → approved → sent → accepted | rejected | expired`, `cancelled`. Submitting
//! evaluates the authority matrix (a line below its floor price, a low margin, a large total).

mod approval;

pub use approval::{decide, submit};

use super::lines::{self, LineRequest};
use crate::db::quotations::{NewQuotation, QuotationChange, QuotationFilter, QuotationLineRow, QuotationRow};
use crate::db::{self, quotations as rows};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{QuotationAction, QuotationStatus};
use crate::domain::visibility::{Scope, selling_scope};
use chrono::{Datelike, NaiveDate};
use diesel::PgConnection;
use erp_approval::withdraw_pending;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The approval document type of quotations.
pub const DOCUMENT_TYPE: &str = "quotation";

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuotationInput {
    pub customer_id: Uuid,
    /// The customer's currency when absent.
    pub currency: Option<String>,
    pub valid_until: NaiveDate,
    /// The customer's terms when absent.
    pub payment_terms: Option<PaymentTerms>,
    pub payment_days: Option<i32>,
    pub notes: Option<String>,
    pub lines: Vec<LineRequest>,
    /// Required on update.
    pub version: Option<i64>,
}

/// A quotation with its lines.
#[derive(Debug, Clone)]
pub struct QuotationView {
    pub quotation: QuotationRow,
    pub lines: Vec<QuotationLineRow>,
}

/// What an owner's move came to: done, or the quotation had expired (and is now `expired`).
#[derive(Debug)]
pub enum MoveOutcome {
    Moved(Box<QuotationView>),
    Expired { valid_until: NaiveDate },
}

impl MoveOutcome {
    /// The view, or the 409 that says the quotation expired.
    pub fn into_result(self) -> Result<QuotationView, AppError> {
        match self {
            MoveOutcome::Moved(v) => Ok(*v),
            MoveOutcome::Expired { valid_until } => Err(AppError::Conflict {
                slug: "expired",
                detail: format!("the quotation was valid until {valid_until}; it has expired"),
            }),
        }
    }
}

pub(crate) fn view(c: &mut PgConnection, id: Uuid) -> Result<QuotationView, AppError> {
    let quotation = rows::find(c, id)?.ok_or_else(|| AppError::not_found("quotation"))?;
    Ok(QuotationView {
        lines: rows::lines(c, id)?,
        quotation,
    })
}

/// The quotation locked, if `scope` sees it (404 otherwise).
pub(crate) fn lock_visible(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<QuotationRow, AppError> {
    rows::lock(c, id)?
        .filter(|q| scope.sees(q.owner_id, q.department_id))
        .ok_or_else(|| AppError::not_found("quotation"))
}

pub fn list(c: &mut PgConnection, filter: &QuotationFilter, paging: &Paging) -> Result<Page<QuotationRow>, AppError> {
    let rows = rows::list(c, filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<QuotationView, AppError> {
    let scope = selling_scope(actor);
    rows::find(c, id)?
        .filter(|q| scope.sees(q.owner_id, q.department_id))
        .ok_or_else(|| AppError::not_found("quotation"))?;
    view(c, id)
}

fn check_header(input: &QuotationInput, update: bool) -> Result<(), AppError> {
    let mut v = Validator::new();
    v.check(
        input.valid_until >= erp_calendar::today(),
        "valid_until",
        "must not be in the past",
    );
    v.optional_text("notes", input.notes.as_deref(), 4000);
    if let Some(days) = input.payment_days {
        v.check((0..=365).contains(&days), "payment_days", "must be between 0 and 365");
    }
    if update {
        v.check(input.version.is_some(), "version", "is required to change a quotation");
    }
    v.finish()
}

/// A new quotation for a visible customer; prices default to the price list.
pub fn create(c: &mut PgConnection, actor: &CurrentUser, input: &QuotationInput) -> Result<QuotationView, AppError> {
    check_header(input, false)?;
    let customer = db::visible_customer(c, selling_scope(actor), input.customer_id)?;
    if !customer.active {
        return Err(AppError::validation("customer_id", "the customer is not active"));
    }
    let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&customer.currency))?;
    let (lines, priced) = lines::build(c, currency, &input.lines)?;
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, "QT", erp_calendar::today().year())?;
    let created_by = actor.actor();
    rows::insert(
        c,
        &NewQuotation {
            id,
            number: &number,
            revision: 1,
            previous_id: None,
            customer_id: customer.id,
            owner_id: customer.owner_id,
            department_id: customer.department_id,
            currency: currency.code(),
            valid_until: input.valid_until,
            payment_terms: input
                .payment_terms
                .map_or(customer.payment_terms.as_str(), |t| t.as_str()),
            payment_days: input.payment_days.unwrap_or(customer.payment_days),
            status: QuotationStatus::Draft,
            notes: input.notes.as_deref(),
            net: priced.totals.net,
            tax: priced.totals.tax,
            total: priced.totals.total,
            margin_pct: priced.margin_pct,
            below_floor: priced.below_floor,
            created_by: &created_by,
        },
    )?;
    rows::replace_lines(c, id, &lines)?;
    view(c, id)
}

/// Changes a draft (lines are replaced).
pub fn update(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &QuotationInput,
) -> Result<QuotationView, AppError> {
    check_header(input, true)?;
    let q = lock_visible(c, selling_scope(actor), id)?;
    q.status.transition(QuotationAction::Edit)?;
    if Some(q.version) != input.version {
        return Err(AppError::stale_version("the quotation"));
    }
    if input.customer_id != q.customer_id {
        return Err(AppError::validation(
            "customer_id",
            "cannot change; make a new quotation",
        ));
    }
    let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&q.currency))?;
    let (lines, priced) = lines::build(c, currency, &input.lines)?;
    rows::update(
        c,
        id,
        &QuotationChange {
            currency: currency.code(),
            valid_until: input.valid_until,
            payment_terms: input.payment_terms.map_or(q.payment_terms.as_str(), |t| t.as_str()),
            payment_days: input.payment_days.unwrap_or(q.payment_days),
            notes: input.notes.as_deref(),
            net: priced.totals.net,
            tax: priced.totals.tax,
            total: priced.totals.total,
            margin_pct: priced.margin_pct,
            below_floor: priced.below_floor,
        },
    )?;
    rows::replace_lines(c, id, &lines)?;
    view(c, id)
}

/// The owner's moves after approval: send, the customer's answer. A quotation past its
/// validity expires instead of being sent or accepted.
pub fn owner_move(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    action: QuotationAction,
) -> Result<MoveOutcome, AppError> {
    let q = lock_visible(c, selling_scope(actor), id)?;
    if matches!(action, QuotationAction::Accept | QuotationAction::Send)
        && q.valid_until < erp_calendar::today()
        && let Ok(expired) = q.status.transition(QuotationAction::Expire)
    {
        rows::set_status(c, id, expired)?;
        return Ok(MoveOutcome::Expired {
            valid_until: q.valid_until,
        });
    }
    rows::set_status(c, id, q.status.transition(action)?)?;
    Ok(MoveOutcome::Moved(Box::new(view(c, id)?)))
}

/// Cancels the quotation; a pending approval is withdrawn with it.
pub fn cancel(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    meta: &EventMeta,
) -> Result<QuotationView, AppError> {
    let q = lock_visible(c, selling_scope(actor), id)?;
    rows::set_status(c, id, q.status.transition(QuotationAction::Cancel)?)?;
    withdraw_pending::<QuotationRow>(c, id, actor, meta)?;
    view(c, id)
}

/// A new revision (a draft with the same number and lines, revision + 1); this one is cancelled.
pub fn revise(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<QuotationView, AppError> {
    let q = lock_visible(c, selling_scope(actor), id)?;
    rows::set_status(c, id, q.status.transition(QuotationAction::Revise)?)?;
    let new_id = Uuid::now_v7();
    let created_by = actor.actor();
    rows::insert(
        c,
        &NewQuotation {
            id: new_id,
            number: &q.number,
            revision: q.revision + 1,
            previous_id: Some(q.id),
            customer_id: q.customer_id,
            owner_id: q.owner_id,
            department_id: q.department_id,
            currency: &q.currency,
            valid_until: q.valid_until.max(erp_calendar::today()),
            payment_terms: &q.payment_terms,
            payment_days: q.payment_days,
            status: QuotationStatus::Draft,
            notes: q.notes.as_deref(),
            net: q.net,
            tax: q.tax,
            total: q.total,
            margin_pct: q.margin_pct,
            below_floor: q.below_floor,
            created_by: &created_by,
        },
    )?;
    rows::copy_lines(c, q.id, new_id)?;
    erp_bus::flow::inherit(c, (DOCUMENT_TYPE, new_id), (DOCUMENT_TYPE, q.id))?;
    view(c, new_id)
}
