//! Requests and their steps: loading, locking, a document's history.

use super::types::*;
use crate::domain::{self, Facts, RequestStatus};
use crate::schema::{approval_requests, approval_steps};
use diesel::prelude::*;
use erp_problem::{AppError, Validator};
use std::collections::HashMap;
use uuid::Uuid;

pub(super) fn load_request(conn: &mut PgConnection, id: Uuid) -> Result<ApprovalRequest, AppError> {
    approval_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("approval request"))?
        .try_into()
}

/// The request `target` names, locked for the rest of the transaction.
pub(super) fn lock_request(conn: &mut PgConnection, target: RequestRef<'_>) -> Result<ApprovalRequest, AppError> {
    use approval_requests as r;
    let row = match target {
        RequestRef::Id(id) => r::table
            .find(id)
            .select(RequestRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("approval request"))?,
        RequestRef::Document {
            document_type,
            document_id,
        } => {
            let of_document = || {
                r::table
                    .filter(r::document_type.eq(document_type.to_owned()))
                    .filter(r::document_id.eq(document_id))
                    .select(RequestRow::as_select())
            };
            let pending = of_document()
                .filter(r::status.eq(RequestStatus::Pending.as_str()))
                .for_update()
                .first(conn)
                .optional()?;
            match pending {
                Some(row) => row,
                None => of_document()
                    .order(r::created_at.desc())
                    .for_update()
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| AppError::Conflict {
                        slug: "wrong-state",
                        detail: format!("{document_type} {document_id} has not been submitted for approval"),
                    })?,
            }
        }
    };
    row.try_into()
}

pub(super) fn load_steps(conn: &mut PgConnection, request_ids: &[Uuid]) -> Result<Vec<ApprovalStep>, AppError> {
    approval_steps::table
        .filter(approval_steps::request_id.eq_any(request_ids))
        .select(StepRow::as_select())
        .order((approval_steps::request_id, approval_steps::step, approval_steps::id))
        .load(conn)?
        .into_iter()
        .map(ApprovalStep::try_from)
        .collect()
}

/// Attaches their steps to requests.
pub(super) fn with_steps(
    conn: &mut PgConnection,
    requests: Vec<ApprovalRequest>,
) -> Result<Vec<ApprovalDetail>, AppError> {
    let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
    let mut by_request: HashMap<Uuid, Vec<ApprovalStep>> = HashMap::new();
    for s in load_steps(conn, &ids)? {
        by_request.entry(s.request_id).or_default().push(s);
    }
    Ok(requests
        .into_iter()
        .map(|request| ApprovalDetail {
            steps: by_request.remove(&request.id).unwrap_or_default(),
            request,
        })
        .collect())
}

/// A request with its step history.
pub fn find(conn: &mut PgConnection, request_id: Uuid) -> Result<ApprovalDetail, AppError> {
    let request = load_request(conn, request_id)?;
    let steps = load_steps(conn, &[request_id])?;
    Ok(ApprovalDetail { request, steps })
}

/// Every planned step of a request in order, with the decisions made (who, role, decision,
/// comment, when).
pub fn history(conn: &mut PgConnection, request_id: Uuid) -> Result<Vec<ApprovalStep>, AppError> {
    Ok(find(conn, request_id)?.steps)
}

/// Every request of a document, newest first (a rejected document may be submitted again).
pub fn document_history(
    conn: &mut PgConnection,
    document_type: &str,
    document_id: Uuid,
) -> Result<Vec<ApprovalDetail>, AppError> {
    let requests = approval_requests::table
        .filter(approval_requests::document_type.eq(document_type.to_owned()))
        .filter(approval_requests::document_id.eq(document_id))
        .select(RequestRow::as_select())
        .order(approval_requests::created_at.desc())
        .load(conn)?
        .into_iter()
        .map(ApprovalRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    with_steps(conn, requests)
}

/// The document's pending request, else its latest, if it was ever submitted.
pub fn latest_for_document(
    conn: &mut PgConnection,
    document_type: &str,
    document_id: Uuid,
) -> Result<Option<ApprovalDetail>, AppError> {
    let all = document_history(conn, document_type, document_id)?;
    let pending = all.iter().position(|d| d.request.status == RequestStatus::Pending);
    Ok(match pending {
        Some(i) => all.into_iter().nth(i),
        None => all.into_iter().next(),
    })
}

pub(super) fn check_facts(facts: &Facts) -> Result<(), AppError> {
    let mut v = Validator::new();
    v.text("document_type", &facts.document_type, 100)
        .text("document_number", &facts.document_number, 100);
    if !domain::is_currency_code(facts.currency.trim()) {
        v.add("currency", "must be an ISO 4217 code of three capital letters");
    }
    v.finish()
}
