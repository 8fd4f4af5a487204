//! A payment request as an approvable document: it waits as `requested` in the finance
//! manager's inbox; an approval publishes `purchasing.payment.requested`, a rejection may let
//! the order close.

use super::DOCUMENT_TYPE;
use crate::app::decision_comment;
use crate::app::settlement::close_if_settled;
use crate::db::payments::{self as db, PaymentRequestRow};
use crate::db::suppliers;
use crate::domain::settlement::{PaymentAction, PaymentStatus};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::purchasing::PaymentRequested;
use erp_problem::AppError;
use uuid::Uuid;

impl PaymentRequestRow {
    /// Records the final decision (with the approver's comment) in the request's state.
    fn decided(&self, conn: &mut PgConnection, action: PaymentAction, approver: &CurrentUser) -> Result<(), AppError> {
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

impl Approvable for PaymentRequestRow {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "payment request";

    fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        db::lock(conn, id)
    }

    erp_approval::pending_when!(PaymentStatus::Requested);

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

    /// A new request already waits as `requested`.
    fn submitted(&self, _conn: &mut PgConnection, _submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        Ok(())
    }

    fn approved(&self, conn: &mut PgConnection, approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        self.decided(conn, PaymentAction::Approve, approver)?;
        let supplier =
            suppliers::find(conn, self.supplier_id)?.ok_or_else(|| AppError::internal("supplier vanished"))?;
        erp_bus::enqueue(
            conn,
            meta,
            &PaymentRequested {
                payment_request_id: self.id,
                number: self.number.clone(),
                order_id: self.order_id,
                order_number: self.order_number.clone(),
                supplier_id: supplier.id,
                supplier_name: supplier.name,
                supplier_bank_name: supplier.bank_name,
                supplier_bank_account: supplier.bank_account,
                kind: self.kind.clone(),
                currency: self.currency.clone(),
                amount: self.amount,
                due_date: self.due_date,
            },
        )?;
        Ok(())
    }

    fn rejected(&self, conn: &mut PgConnection, approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        self.decided(conn, PaymentAction::Reject, approver)?;
        // A rejected request may have been the last thing the order waited for.
        close_if_settled(conn, self.order_id)?;
        Ok(())
    }

    /// Nobody decides on a payment they requested themselves (whoever submitted it).
    fn check_approver(&self, _conn: &mut PgConnection, approver: &CurrentUser) -> Result<(), AppError> {
        if self.requested_by == approver.actor() {
            return Err(AppError::Forbidden(
                "nobody approves or rejects a payment they requested themselves".into(),
            ));
        }
        Ok(())
    }
}
