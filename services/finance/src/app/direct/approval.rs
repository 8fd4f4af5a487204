//! A direct entry as an approvable document: the approval posts it to the journal (Dr cash or
//! bank / Cr the account for income, the other way for an expense); the rejection keeps the
//! reviewer's comment. Nobody reviews an entry they recorded.

use crate::db::direct::{self as rows, DirectEntryRow, Review};
use crate::db::ledger::{self, NewEntry, NewLine, PostMeta, Source};
use crate::domain::chart;
use crate::domain::states::{DirectAction, DirectStatus};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_money::Currency;
use erp_problem::AppError;
use uuid::Uuid;

/// The approval document type of direct entries.
pub const DOCUMENT_TYPE: &str = "direct_entry";

impl Approvable for DirectEntryRow {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "direct entry";

    fn lock(c: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        rows::lock(c, id)
    }

    erp_approval::pending_when!(DirectStatus::PendingReview);

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

    /// An entry is recorded in its pending state already.
    fn submitted(&self, _c: &mut PgConnection, _submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        Ok(())
    }

    fn approved(&self, c: &mut PgConnection, approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        let status = self.status.transition(DirectAction::Post)?;
        let currency = Currency::parse(&self.currency).map_err(AppError::internal)?;
        let money = if self.via == "cash" { chart::CASH } else { chart::BANK };
        let (debit, credit) = if self.kind == "income" {
            (money, self.account_code.as_str())
        } else {
            (self.account_code.as_str(), money)
        };
        let posted = ledger::post(
            c,
            NewEntry {
                date: self.entry_date,
                memo: self.memo.clone(),
                source: Source {
                    kind: "finance.direct_entry".into(),
                    id: Some(self.id),
                    number: Some(self.number.clone()),
                },
                lines: vec![
                    NewLine::debit(debit, self.amount, currency),
                    NewLine::credit(credit, self.amount, currency),
                ],
            },
            &PostMeta::by(self.created_by.clone()),
        )?;
        let comment = erp_approval::decision_comment(c, DOCUMENT_TYPE, self.id)?;
        rows::review(
            c,
            self.id,
            &Review {
                status,
                reviewed_by: &approver.actor(),
                comment: comment.as_deref(),
                journal_entry_id: Some(posted.id()),
            },
        )
    }

    fn rejected(&self, c: &mut PgConnection, approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        let status = self.status.transition(DirectAction::Reject)?;
        let comment = erp_approval::decision_comment(c, DOCUMENT_TYPE, self.id)?;
        rows::review(
            c,
            self.id,
            &Review {
                status,
                reviewed_by: &approver.actor(),
                comment: comment.as_deref(),
                journal_entry_id: None,
            },
        )
    }

    fn check_approver(&self, _c: &mut PgConnection, approver: &CurrentUser) -> Result<(), AppError> {
        if self.created_by == approver.actor() {
            return Err(AppError::Forbidden(
                "nobody reviews an entry they recorded themselves".into(),
            ));
        }
        Ok(())
    }
}
