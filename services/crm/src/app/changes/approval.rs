//! A change request as an approvable document: the matrix looks at the order's totals as they
//! would be after the change; the last approval applies it to the order.

use super::{DOCUMENT_TYPE, apply, lock_change};
use crate::db::changes::{self as rows, ChangeRow};
use crate::db::sales_orders::SalesOrderRow;
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{ChangeAction, ChangeStatus};
use crate::domain::visibility::{Scope, scope};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission, decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::AppError;
use uuid::Uuid;

/// The change request with the order it changes.
pub struct ChangeDocument {
    change: ChangeRow,
    order: SalesOrderRow,
}

impl Approvable for ChangeDocument {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "change request";

    fn lock(c: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        let (change, order) = lock_change(c, Scope::All, id)?;
        Ok(ChangeDocument { change, order })
    }

    erp_approval::pending_when!(change, ChangeStatus::PendingApproval);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        let (change, order) = (&self.change, &self.order);
        let mut facts = Facts::new(
            DOCUMENT_TYPE,
            change.id,
            &change.number,
            submitter.id,
            &order.currency,
            change.total,
        );
        facts.submitter_department = order.department_id;
        facts.below_floor = change.below_floor;
        facts.margin_pct = change.margin_pct;
        facts.credit_terms = PaymentTerms::parse(&order.payment_terms).is_some_and(PaymentTerms::is_credit);
        facts
    }

    fn submitted(&self, c: &mut PgConnection, submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_approval(c, self.change.id, submission.request.id)?;
        rows::set_status(c, self.change.id, self.change.status.transition(ChangeAction::Submit)?)?;
        Ok(())
    }

    fn approved(&self, c: &mut PgConnection, _approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        let next = self.change.status.transition(ChangeAction::Approve)?;
        apply(c, &self.change, &self.order, meta)?;
        rows::set_status(c, self.change.id, next)?;
        Ok(())
    }

    fn rejected(&self, c: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_status(c, self.change.id, self.change.status.transition(ChangeAction::Reject)?)?;
        Ok(())
    }
}

/// Submits the change for approval; a change without a review record is refused (422).
pub fn submit(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<ChangeRow, AppError> {
    let (change, order) = lock_change(c, scope(actor), id)?;
    change.status.transition(ChangeAction::Submit)?;
    if change.review.as_array().is_none_or(|r| r.is_empty()) {
        return Err(AppError::validation(
            "review",
            "record the change review (items A–I) before submitting",
        ));
    }
    submit_document(c, &ChangeDocument { change, order }, actor, meta)?;
    rows::find(c, id)
}

/// An approver's decision on the change request's pending step.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<ChangeRow, AppError> {
    decide_document::<ChangeDocument>(c, id, approver, approve, comment, meta)?;
    rows::find(c, id)
}
