//! Payment requests against a purchase order (DOMAIN.md §2, seed 001 §2 ④ and ⑦): a buyer asks
//! for a deposit, a part or the final payment; the request goes to the finance manager through
//! the authority matrix (their inbox), and an approval publishes `purchasing.payment.requested`.
//! Finance answers with `finance.payment.made`, which marks the request paid. Requests not
//! rejected never add up to more than the order total (or what its counted invoices come to,
//! when more).

mod approval;

use super::settlement::{close_if_settled, currency_of, money, payable_limit};
use crate::db::orders as order_db;
use crate::db::payments::{self as db, NewPaymentRequest, PaymentFilter, PaymentRequestRow};
use crate::domain::settlement::{PaymentAction, PaymentStatus};
use chrono::{Datelike, NaiveDate};
use diesel::PgConnection;
use erp_approval::{decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::finance::PaymentMade;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The approval document type of payment requests.
pub const DOCUMENT_TYPE: &str = "payment_request";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// Before the goods come (seed 001 §2 ④).
    Deposit,
    /// Any payment in between.
    Part,
    /// The balance once the goods and the invoice are in (seed 001 §2 ⑦).
    Final,
}

impl PaymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Deposit => "deposit",
            PaymentKind::Part => "part",
            PaymentKind::Final => "final",
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PaymentRequestInput {
    pub kind: PaymentKind,
    /// In the order's currency, at its scale (no decimals for VND).
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// When the supplier is to be paid.
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
}

/// The payment requests of an order.
pub fn of_order(c: &mut PgConnection, order_id: Uuid) -> Result<Vec<PaymentRequestRow>, AppError> {
    order_db::find(c, order_id)?;
    db::of_order(c, order_id)
}

pub fn list(
    c: &mut PgConnection,
    filter: &PaymentFilter,
    paging: &Paging,
) -> Result<Page<PaymentRequestRow>, AppError> {
    let rows = db::list(c, filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<PaymentRequestRow, AppError> {
    db::find(c, id)
}

/// A buyer asks finance to pay the supplier: a deposit, a part or the final payment of an
/// approved, sent or (partially) received order. Requests not rejected may not add up to more
/// than the order total (or the counted invoices' total when that is more). The request waits
/// for the finance manager's decision.
pub fn request(
    c: &mut PgConnection,
    user: &CurrentUser,
    order_id: Uuid,
    input: &PaymentRequestInput,
    meta: &EventMeta,
) -> Result<PaymentRequestRow, AppError> {
    let o = order_db::lock(c, order_id)?;
    if !o.status.is_open_for_settlement() {
        return Err(AppError::wrong_state(format!(
            "payments are requested on approved, sent or received purchase orders; this one is {}",
            o.status
        )));
    }
    let currency = currency_of(&o)?;
    let mut v = Validator::new();
    if let Some(problem) = currency.amount_problem(input.amount) {
        v.add("amount", problem);
    }
    v.optional_text("note", input.note.as_deref(), 1000);
    v.finish()?;
    let counted = db::total(c, order_id, &PaymentStatus::COUNTED)?;
    let limit = payable_limit(c, &o)?;
    if counted + input.amount > limit {
        return Err(AppError::validation(
            "amount",
            format!(
                "payment requests would come to {} of the order's {}: only {} is left to request",
                money(counted + input.amount),
                money(limit),
                money((limit - counted).max(Decimal::ZERO))
            ),
        ));
    }
    let new = NewPaymentRequest {
        id: Uuid::now_v7(),
        number: erp_db::next_number(c, "PAY", erp_calendar::today().year())?,
        order_id,
        order_number: o.number.clone(),
        supplier_id: o.supplier_id,
        kind: input.kind.as_str().to_owned(),
        currency: o.currency.clone(),
        amount: input.amount,
        due_date: input.due_date,
        note: clean(input.note.as_deref()),
        status: PaymentStatus::Requested,
        requested_by: user.actor(),
    };
    db::insert(c, &new)?;
    erp_bus::flow::inherit(
        c,
        (DOCUMENT_TYPE, new.id),
        (crate::app::orders::DOCUMENT_TYPE, order_id),
    )?;
    let pr = db::lock(c, new.id)?;
    submit_document(c, &pr, user, meta)?;
    db::find(c, new.id)
}

/// The finance manager's decision: an approval tells finance to pay; a rejection needs a
/// comment and frees its amount.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<PaymentRequestRow, AppError> {
    let comment = erp_approval::checked_comment(approve, comment, "a payment request")?;
    let order_id = db::order_of(c, id)?.ok_or_else(|| AppError::not_found("payment request"))?;
    // The order first, as every command on it locks: one lock order, no deadlocks.
    let order = order_db::lock(c, order_id)?;
    let pr = db::lock(c, id)?;
    if approve && pr.status == PaymentStatus::Requested && !order.status.is_open_for_settlement() {
        return Err(AppError::wrong_state(format!(
            "the purchase order is {}; nothing more is paid on it",
            order.status
        )));
    }
    decide_document::<PaymentRequestRow>(c, id, approver, approve, comment.as_deref(), meta)?;
    db::find(c, id)
}

/// Finance paid a payment request (`finance.payment.made`, event `event_id`): it is paid, with
/// the amount, date and reference; an order received and invoiced in full and now paid
/// closes. Unknown or not approved requests are ignored with a log.
pub fn payment_made(c: &mut PgConnection, event_id: Uuid, e: &PaymentMade) -> Result<(), AppError> {
    let Some(order_id) = db::order_of(c, e.payment_request_id)? else {
        tracing::warn!(event = %event_id, payment_request = %e.payment_request_id, "payment for an unknown payment request; ignored");
        return Ok(());
    };
    order_db::lock(c, order_id)?;
    let pr = db::lock(c, e.payment_request_id)?;
    let Ok(paid) = pr.status.transition(PaymentAction::Pay) else {
        if pr.status == PaymentStatus::Paid {
            tracing::info!(event = %event_id, payment_request = %pr.number, "payment request already paid; ignored");
        } else {
            tracing::warn!(
                event = %event_id,
                payment_request = %pr.number,
                status = %pr.status,
                "payment for a payment request that is not approved; ignored"
            );
        }
        return Ok(());
    };
    if e.currency != pr.currency || e.amount != pr.amount {
        tracing::warn!(
            event = %event_id,
            payment_request = %pr.number,
            requested = %format!("{} {}", pr.amount, pr.currency),
            paid = %format!("{} {}", e.amount, e.currency),
            "paid amount differs from the payment request"
        );
    }
    db::set_paid(c, pr.id, paid, e.amount, e.paid_on, e.reference.as_deref())?;
    close_if_settled(c, order_id)?;
    Ok(())
}
