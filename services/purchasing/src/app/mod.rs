//! purchasing's commands and queries, one function each, used by the HTTP handlers and the
//! event consumers alike: they lock, check the state tables, call `db`, publish events and run
//! the approval engine, inside the caller's transaction.

pub mod approvals;
pub mod arrivals;
pub mod invoices;
pub mod orders;
pub mod payments;
pub mod quotations;
pub mod requests;
pub mod settlement;
pub mod suppliers;

use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_problem::AppError;
use uuid::Uuid;

/// The comment `approver` gave on the document's latest approval request (none when the
/// matrix approved it at once).
pub(crate) fn decision_comment(
    c: &mut PgConnection,
    document_type: &str,
    id: Uuid,
    approver: &CurrentUser,
) -> Result<Option<String>, AppError> {
    Ok(erp_approval::latest_for_document(c, document_type, id)?.and_then(|d| {
        d.steps
            .into_iter()
            .rev()
            .find(|s| s.decided_by == Some(approver.id))
            .and_then(|s| s.comment)
    }))
}
