//! A receipt's review as an approval request: recorded money waits in the inbox of the role
//! the authority matrix names (finance managers by default); the approval confirms it, the
//! rejection rejects it.

use crate::app::progress::complete_if_done;
use crate::db;
use crate::db::order_fulfilment::lock_order;
use crate::db::receipts::{self as rows, Receipt};
use crate::domain::fulfilment::{ReceiptAction, ReceiptStatus};
use crate::domain::visibility::Scope;
use diesel::PgConnection;
use erp_approval::{Approvable, Condition, Facts, RuleSeed, Submission};
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
use erp_contracts::crm::ReceiptConfirmed;
use erp_problem::AppError;
use uuid::Uuid;

pub const DOCUMENT_TYPE: &str = "receipt";

/// The default rule: a finance manager confirms every receipt.
pub fn default_rules() -> Vec<RuleSeed> {
    vec![RuleSeed::new(
        DOCUMENT_TYPE,
        Condition::Otherwise,
        Role::FinanceManager,
        1,
    )]
}

impl Approvable for Receipt {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "receipt";

    fn lock(c: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        // The order first, as every order's document: one lock order, no deadlocks.
        let order_id = rows::order_of(c, id)?;
        lock_order(c, order_id)?;
        rows::lock(c, id)
    }

    erp_approval::pending_when!(ReceiptStatus::Recorded);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        Facts::new(
            DOCUMENT_TYPE,
            self.id,
            &self.number,
            submitter.id,
            &self.currency,
            self.amount,
        )
    }

    /// A receipt is recorded in its pending state already.
    fn submitted(&self, _c: &mut PgConnection, _submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        Ok(())
    }

    fn approved(&self, c: &mut PgConnection, approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        let status = self.status.transition(ReceiptAction::Confirm)?;
        let comment = decision_comment(c, self.id)?;
        let r = rows::decide(c, self.id, status, &approver.actor(), comment.as_deref())?;
        erp_bus::enqueue(
            c,
            meta,
            &ReceiptConfirmed {
                receipt_id: r.id,
                order_id: r.order_id,
                order_number: r.order_number.clone(),
                customer_id: r.customer_id,
                currency: r.currency.clone(),
                amount: r.amount,
                received_on: r.received_on,
                method: r.method.clone(),
                reference: r.reference.clone(),
            },
        )?;
        let order = db::lock_visible_order(c, Scope::All, r.order_id)?;
        complete_if_done(c, &order)?;
        Ok(())
    }

    fn rejected(&self, c: &mut PgConnection, approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        let status = self.status.transition(ReceiptAction::Reject)?;
        let comment = decision_comment(c, self.id)?;
        rows::decide(c, self.id, status, &approver.actor(), comment.as_deref())?;
        Ok(())
    }

    fn check_approver(&self, _c: &mut PgConnection, approver: &CurrentUser) -> Result<(), AppError> {
        if self.recorded_by == approver.actor() {
            return Err(AppError::Forbidden(
                "nobody confirms or rejects money they recorded themselves".into(),
            ));
        }
        Ok(())
    }
}

/// The comment of the step that decided the receipt's request (kept on the receipt as well).
fn decision_comment(c: &mut PgConnection, id: Uuid) -> Result<Option<String>, AppError> {
    erp_approval::decision_comment(c, DOCUMENT_TYPE, id)
}

/// A receipt recorded before receipts were approval requests has none: it is submitted now,
/// on behalf of whoever recorded it. Returns whether a request waits for a decision.
pub(super) fn submit_if_never_submitted(
    c: &mut PgConnection,
    receipt: &Receipt,
    meta: &EventMeta,
) -> Result<bool, AppError> {
    erp_approval::submit_if_never_submitted(c, receipt, &receipt.recorded_by, meta)
}
