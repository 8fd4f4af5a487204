//! Supplier payments: purchasing's approved payment requests (`purchasing.payment.requested`)
//! wait here as `awaiting`; a finance manager pays one (Dr 331 with the supplier as party /
//! Cr 112) and `finance.payment.made` tells purchasing.

use crate::db::ledger::{self, NewEntry, NewLine, PartyKind, PostMeta, Source};
use crate::db::payments::{self as rows, Paid, PaymentFilter, PaymentRow};
use crate::domain::chart;
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::finance::PaymentMade;
use erp_db::{Page, Paging};
use erp_money::Currency;
use erp_problem::{AppError, Validator, clean};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// purchasing's payment request in its business flow (`erp_bus::flow`): recorded with the
/// `purchasing.payment.requested` that asked for it, continued by the payment.
pub const PAYMENT_REQUEST: &str = "payment_request";

#[derive(Debug, Deserialize, ToSchema)]
pub struct PayInput {
    pub paid_on: NaiveDate,
    /// Bank transaction or voucher number.
    pub reference: Option<String>,
}

pub fn list(c: &mut PgConnection, filter: &PaymentFilter, paging: &Paging) -> Result<Page<PaymentRow>, AppError> {
    let rows = rows::list(c, filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<PaymentRow, AppError> {
    rows::find(c, id)
}

/// Pays an awaiting payment: the posting, the payment and the event commit together.
pub fn pay(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &PayInput,
    meta: &EventMeta,
) -> Result<PaymentRow, AppError> {
    let reference = clean(input.reference.as_deref());
    let mut v = Validator::new();
    v.optional_text("reference", reference.as_deref(), 200);
    v.finish()?;
    let p = rows::lock(c, id)?;
    p.status.pay()?;
    let meta = &erp_bus::flow::resume(c, meta, (PAYMENT_REQUEST, p.payment_request_id))?;
    let currency = Currency::parse(&p.currency).map_err(AppError::internal)?;
    let by = actor.actor();
    let entry = ledger::post(
        c,
        NewEntry {
            date: input.paid_on,
            memo: format!("Payment {} to {} on {}", p.number, p.supplier_name, p.order_number),
            source: Source {
                kind: "finance.payment".into(),
                id: Some(p.id),
                number: Some(p.number.clone()),
            },
            lines: vec![
                NewLine::debit(chart::PAYABLES, p.amount, currency).party(PartyKind::Supplier, p.supplier_id),
                NewLine::credit(chart::BANK, p.amount, currency),
            ],
        },
        &PostMeta::by(by.clone()),
    )?;
    rows::mark_paid(
        c,
        id,
        &Paid {
            paid_on: input.paid_on,
            reference: reference.as_deref(),
            paid_by: &by,
            journal_entry_id: entry.id(),
        },
    )?;
    erp_bus::enqueue(
        c,
        meta,
        &PaymentMade {
            payment_request_id: p.payment_request_id,
            amount: p.amount,
            currency: p.currency.clone(),
            paid_on: input.paid_on,
            reference,
        },
    )?;
    rows::find(c, id)
}
