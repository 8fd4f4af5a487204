//! A request's supplier selection as an approvable document: reviewed by project control
//! through the authority matrix, on the chosen quotation's total.

use super::SELECTION_DOCUMENT_TYPE;
use crate::db::quotations as db;
use crate::db::requests as request_db;
use crate::domain::quotations::{SelectionAction, SelectionStatus};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The selection of a request (its id is the request's) with what the matrix looks at.
#[derive(Debug, Clone)]
pub struct SupplierSelection {
    pub request_id: Uuid,
    pub request_number: String,
    pub status: SelectionStatus,
    pub currency: String,
    pub total: Decimal,
}

impl SupplierSelection {
    fn set_status(&self, conn: &mut PgConnection, action: SelectionAction) -> Result<(), AppError> {
        db::set_selection_status(conn, self.request_id, self.status.transition(action)?)
    }
}

impl Approvable for SupplierSelection {
    const DOCUMENT_TYPE: &'static str = SELECTION_DOCUMENT_TYPE;
    const NAME: &'static str = "supplier selection";

    /// The request first, as every command on it does: one lock order.
    fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        let r = request_db::lock(conn, id)?;
        let s = db::lock_selection(conn, id)?.ok_or_else(|| AppError::not_found("supplier selection"))?;
        let q = db::find(conn, s.chosen_quotation_id)?.ok_or_else(|| AppError::not_found("quotation"))?;
        Ok(SupplierSelection {
            request_id: r.id,
            request_number: r.number,
            status: s.status,
            currency: q.currency,
            total: q.total,
        })
    }

    fn id(&self) -> Uuid {
        self.request_id
    }

    fn state_name(&self) -> &'static str {
        self.status.as_str()
    }

    fn is_pending(&self) -> bool {
        self.status == SelectionStatus::PendingReview
    }

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        Facts::new(
            SELECTION_DOCUMENT_TYPE,
            self.request_id,
            &self.request_number,
            submitter.id,
            &self.currency,
            self.total,
        )
    }

    /// The choice was stored waiting for review; it keeps the request.
    fn submitted(&self, conn: &mut PgConnection, submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        db::set_selection_approval(conn, self.request_id, submission.request.id)
    }

    fn approved(&self, conn: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        self.set_status(conn, SelectionAction::Approve)
    }

    fn rejected(&self, conn: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        self.set_status(conn, SelectionAction::Reject)
    }
}
