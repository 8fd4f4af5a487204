//! Receipts (DOMAIN.md §1): sales records money received on an approved or in-fulfilment
//! order; a `finance_manager` confirms or rejects it through an approval request (document
//! type `receipt`, in the approvers' inbox). Confirming publishes `crm.receipt.confirmed`.

mod approval;

pub use approval::default_rules;

use crate::db::receipts::{self as rows, NewReceipt, Receipt, ReceiptFilter};
use crate::db::{self, SalesOrderRow};
use crate::domain::fulfilment::{ReceiptStatus, money};
use crate::domain::visibility::{Scope, scope};
use chrono::{Datelike, NaiveDate};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptMethod {
    BankTransfer,
    Cash,
    Cheque,
    Other,
}

impl ReceiptMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptMethod::BankTransfer => "bank_transfer",
            ReceiptMethod::Cash => "cash",
            ReceiptMethod::Cheque => "cheque",
            ReceiptMethod::Other => "other",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptInput {
    /// In the order's currency, at its scale.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Not in the future.
    pub received_on: NaiveDate,
    pub method: ReceiptMethod,
    /// Bank transaction, cheque number…
    pub reference: Option<String>,
}

/// The order's receipts, if the actor sees the order.
pub fn of_order(c: &mut PgConnection, actor: &CurrentUser, order_id: Uuid) -> Result<Vec<Receipt>, AppError> {
    db::visible_order(c, scope(actor), order_id)?;
    rows::of_order(c, order_id)
}

/// Records money received on an approved or in-fulfilment order and asks finance to confirm
/// it. Receipts not rejected may not add up to more than the order total.
pub fn record(
    c: &mut PgConnection,
    actor: &CurrentUser,
    order_id: Uuid,
    input: &ReceiptInput,
    meta: &EventMeta,
) -> Result<Receipt, AppError> {
    let o = db::lock_visible_order(c, scope(actor), order_id)?;
    let status = o.status;
    if !status.is_open_for_fulfilment() {
        return Err(AppError::wrong_state(format!(
            "money is recorded on approved or in-fulfilment orders; this one is {}",
            status.as_str()
        )));
    }
    let currency = super::payments::currency_of(&o)?;
    let mut v = Validator::new();
    if let Some(problem) = currency.amount_problem(input.amount) {
        v.add("amount", problem);
    }
    v.optional_text("reference", input.reference.as_deref(), 200);
    v.check(
        input.received_on <= erp_calendar::today(),
        "received_on",
        "must not be in the future",
    );
    v.finish()?;
    let counted = rows::total(c, order_id, &ReceiptStatus::COUNTED)?;
    if counted + input.amount > o.total {
        return Err(AppError::validation(
            "amount",
            format!(
                "only {} of the order total {} is not yet received",
                money((o.total - counted).max(Decimal::ZERO)),
                money(o.total)
            ),
        ));
    }
    let number = erp_db::next_number(c, "RC", erp_calendar::today().year())?;
    let reference = erp_problem::clean(input.reference.as_deref());
    let id = Uuid::now_v7();
    erp_bus::flow::inherit(
        c,
        (approval::DOCUMENT_TYPE, id),
        (crate::app::orders::DOCUMENT_TYPE, order_id),
    )?;
    let receipt = rows::insert(
        c,
        &NewReceipt {
            id,
            number: &number,
            order_id,
            order_number: &o.number,
            customer_id: o.customer_id,
            currency: &o.currency,
            amount: input.amount,
            received_on: input.received_on,
            method: input.method.as_str(),
            reference: reference.as_deref(),
            status: ReceiptStatus::Recorded,
            recorded_by: &actor.actor(),
        },
    )?;
    erp_approval::submit_document(c, &receipt, actor, meta)?;
    rows::find(c, receipt.id)
}

/// Receipts of the orders the actor sees; finance sees all (`status=recorded` is its work list).
pub fn list(
    c: &mut PgConnection,
    actor: &CurrentUser,
    filter: ReceiptFilter,
    paging: Paging,
) -> Result<Page<Receipt>, AppError> {
    rows::list(c, scope(actor), filter, paging)
}

/// A receipt whose order the user may see (404 otherwise); the order is locked first, then
/// the receipt, when `lock`.
fn visible(c: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<(SalesOrderRow, Receipt), AppError> {
    let order_id = rows::order_of(c, id)?;
    let order = if lock {
        db::lock_visible_order(c, scope, order_id)
    } else {
        db::visible_order(c, scope, order_id)
    }
    .map_err(|e| match e {
        AppError::NotFound(_) => AppError::not_found("receipt"),
        other => other,
    })?;
    let receipt = if lock { rows::lock(c, id)? } else { rows::find(c, id)? };
    Ok((order, receipt))
}

/// One receipt, if the actor sees its order.
pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<Receipt, AppError> {
    Ok(visible(c, scope(actor), id, false)?.1)
}

/// Finance confirms (`confirm`) or rejects a recorded receipt: the decision on its approval
/// request. Rejecting needs a comment; nobody decides on money they recorded themselves.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    actor: &CurrentUser,
    confirm: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<Receipt, AppError> {
    let comment = erp_approval::checked_comment(confirm, comment, "a receipt")?;
    let (_, receipt) = visible(c, scope(actor), id, true)?;
    if approval::submit_if_never_submitted(c, &receipt, meta)? {
        erp_approval::decide_document::<Receipt>(c, id, actor, confirm, comment.as_deref(), meta)?;
    }
    rows::find(c, id)
}
