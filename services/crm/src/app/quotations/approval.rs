//! A quotation as an approvable document: the authority matrix looks at its floor prices,
//! margin, total and terms; the last approval makes it `approved`, ready to send.

use super::{DOCUMENT_TYPE, QuotationView, lock_visible, view};
use crate::db::quotations::{self as rows, QuotationRow};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::QuotationAction;
use crate::domain::documents::QuotationStatus;
use crate::domain::visibility::{Scope, selling_scope};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission, decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::AppError;
use uuid::Uuid;

impl Approvable for QuotationRow {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "quotation";

    fn lock(c: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        // Approvers are found by role, not by visibility: the engine checks them.
        lock_visible(c, Scope::All, id)
    }

    erp_approval::pending_when!(QuotationStatus::PendingApproval);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        let mut facts = Facts::new(
            DOCUMENT_TYPE,
            self.id,
            &self.number,
            submitter.id,
            &self.currency,
            self.total,
        );
        facts.submitter_department = self.department_id;
        facts.below_floor = self.below_floor;
        facts.margin_pct = self.margin_pct;
        facts.credit_terms = PaymentTerms::parse(&self.payment_terms).is_some_and(PaymentTerms::is_credit);
        facts
    }

    fn submitted(&self, c: &mut PgConnection, submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_approval(c, self.id, submission.request.id)?;
        rows::set_status(c, self.id, self.status.transition(QuotationAction::Submit)?)
    }

    fn approved(&self, c: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_status(c, self.id, self.status.transition(QuotationAction::Approve)?)
    }

    fn rejected(&self, c: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_status(c, self.id, self.status.transition(QuotationAction::Reject)?)
    }
}

/// Submits a draft: the authority matrix decides who must approve; when no rule applies the
/// quotation is approved at once.
pub fn submit(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    meta: &EventMeta,
) -> Result<QuotationView, AppError> {
    let q = lock_visible(c, selling_scope(actor), id)?;
    q.status.transition(QuotationAction::Submit)?;
    submit_document(c, &q, actor, meta)?;
    view(c, id)
}

/// An approver's decision on the quotation's pending step.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<QuotationView, AppError> {
    decide_document::<QuotationRow>(c, id, approver, approve, comment, meta)?;
    view(c, id)
}
