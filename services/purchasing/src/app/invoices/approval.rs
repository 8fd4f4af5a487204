//! A blocked supplier invoice as an approvable document: its differences wait in the
//! purchasing manager's inbox; accepted, the invoice counts as matched; rejected, the order may
//! close without it.

use super::{DOCUMENT_TYPE, count_invoice};
use crate::app::decision_comment;
use crate::app::settlement::close_if_settled;
use crate::db::invoices::{self as db, InvoiceRow};
use crate::db::orders as order_db;
use crate::domain::settlement::{InvoiceAction, InvoiceStatus};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::AppError;
use uuid::Uuid;

impl InvoiceRow {
    /// Records the final decision (with the approver's reason) in the invoice's state.
    fn decided(&self, conn: &mut PgConnection, action: InvoiceAction, approver: &CurrentUser) -> Result<(), AppError> {
        let comment = decision_comment(conn, DOCUMENT_TYPE, self.id, approver)?;
        db::set_decided(
            conn,
            self.id,
            self.status.transition(action)?,
            &approver.actor(),
            comment.as_deref(),
        )
    }
}

impl Approvable for InvoiceRow {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "supplier invoice";

    fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        db::lock(conn, id)
    }

    erp_approval::pending_when!(InvoiceStatus::Blocked);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        Facts::new(
            DOCUMENT_TYPE,
            self.id,
            &self.invoice_number,
            submitter.id,
            &self.currency,
            self.total,
        )
    }

    /// A blocked invoice already waits as `blocked`.
    fn submitted(&self, _conn: &mut PgConnection, _submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        Ok(())
    }

    fn approved(&self, conn: &mut PgConnection, approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        self.decided(conn, InvoiceAction::Accept, approver)?;
        let order = order_db::find(conn, self.order_id)?;
        let invoice = db::find(conn, self.id)?;
        let lines = db::lines_of(conn, &[self.id])?;
        count_invoice(conn, &order, &invoice, &lines, meta)
    }

    fn rejected(&self, conn: &mut PgConnection, approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        self.decided(conn, InvoiceAction::Reject, approver)?;
        // The blocked invoice was all the order waited for.
        close_if_settled(conn, self.order_id)?;
        Ok(())
    }

    /// Nobody settles the differences of an invoice they entered themselves.
    fn check_approver(&self, _conn: &mut PgConnection, approver: &CurrentUser) -> Result<(), AppError> {
        if self.recorded_by == approver.actor() {
            return Err(AppError::Forbidden(
                "nobody accepts or rejects an invoice they entered themselves".into(),
            ));
        }
        Ok(())
    }
}
