//! A purchase request as an approvable document: submitted to the purchasing manager through
//! the authority matrix (requests carry no prices: the matrix sees a zero total).

use super::DOCUMENT_TYPE;
use crate::db::requests::{self as db, RequestRow};
use crate::domain::requests::{RequestAction, RequestStatus};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

impl Approvable for RequestRow {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "purchase request";

    fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        db::lock(conn, id)
    }

    erp_approval::pending_when!(RequestStatus::PendingApproval);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        Facts::new(DOCUMENT_TYPE, self.id, &self.number, submitter.id, "VND", Decimal::ZERO)
    }

    fn submitted(&self, conn: &mut PgConnection, submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        let next = self.status.transition(RequestAction::Submit)?;
        db::set_approval(conn, self.id, submission.request.id)?;
        db::set_status(conn, self.id, next)
    }

    fn approved(&self, conn: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        db::set_status(conn, self.id, self.status.transition(RequestAction::Approve)?)
    }

    fn rejected(&self, conn: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        db::set_status(conn, self.id, self.status.transition(RequestAction::Reject)?)
    }
}
