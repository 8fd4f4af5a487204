//! Submitting a document: the matrix evaluated, the request and its steps recorded, the first step announced.

use super::decision::*;
use super::requests::*;
use super::rules::*;
use super::types::*;
use crate::domain::{self, Facts, PlannedStep, RequestStatus};
use crate::events::{self, ApprovalDecided, ApprovalRequested, Outcome};
use crate::schema::{approval_requests, approval_steps};
use chrono::Utc;
use diesel::prelude::*;
use erp_bus::EventMeta;
use erp_problem::AppError;
use uuid::Uuid;

/// Submits a document: evaluates the active rules of its type on `facts`, records the request
/// and its planned steps, and publishes `<service>.approval.requested` for the first step.
/// When no rule applies the request is approved at once (`auto_approved`, and a final
/// `<service>.approval.decided` is published). A document already pending is a 409.
pub fn submit(conn: &mut PgConnection, facts: &Facts, meta: &EventMeta) -> Result<Submission, AppError> {
    check_facts(facts)?;
    let mut facts = facts.clone();
    facts.currency = facts.currency.trim().to_owned();
    let pending: Option<Uuid> = approval_requests::table
        .filter(approval_requests::document_type.eq(&facts.document_type))
        .filter(approval_requests::document_id.eq(facts.document_id))
        .filter(approval_requests::status.eq(RequestStatus::Pending.as_str()))
        .select(approval_requests::id)
        .first(conn)
        .optional()?;
    if let Some(id) = pending {
        return Err(AppError::Conflict {
            slug: "wrong-state",
            detail: format!(
                "{} {} already waits for approval (request {id})",
                facts.document_type, facts.document_number
            ),
        });
    }
    let rules = active_rules(conn, &facts.document_type)?;
    let plan = domain::evaluate(&rules, &facts);
    if facts.submitter_department.is_none() {
        facts.submitter_department = erp_directory::find(conn, facts.submitted_by)?.and_then(|e| e.department_id);
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    let (status, current_step, decided_at) = match plan.first() {
        None => (RequestStatus::Approved, 0, Some(now)),
        Some(first) => (RequestStatus::Pending, first.step, None),
    };
    diesel::insert_into(approval_requests::table)
        .values((
            approval_requests::id.eq(id),
            approval_requests::document_type.eq(&facts.document_type),
            approval_requests::document_id.eq(facts.document_id),
            approval_requests::document_number.eq(&facts.document_number),
            approval_requests::submitted_by.eq(facts.submitted_by),
            approval_requests::submitter_department.eq(facts.submitter_department),
            approval_requests::status.eq(status.as_str()),
            approval_requests::current_step.eq(current_step),
            approval_requests::facts.eq(serde_json::to_value(&facts).map_err(AppError::internal)?),
            approval_requests::created_at.eq(now),
            approval_requests::decided_at.eq(decided_at),
        ))
        .execute(conn)?;
    let rows: Vec<_> = plan
        .iter()
        .map(|p| {
            (
                approval_steps::id.eq(Uuid::now_v7()),
                approval_steps::request_id.eq(id),
                approval_steps::step.eq(p.step),
                approval_steps::approver_role.eq(p.approver_role.as_str()),
                approval_steps::reasons.eq(p.reasons.clone()),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(approval_steps::table).values(rows).execute(conn)?;
    }
    let request = load_request(conn, id)?;
    if plan.is_empty() {
        events::publish_decided(
            conn,
            meta,
            &ApprovalDecided {
                request_id: id,
                document_type: request.document_type.clone(),
                document_id: request.document_id,
                document_number: request.document_number.clone(),
                step: 0,
                approver_role: None,
                decision: Outcome::Approved,
                decided_by: None,
                decided_by_name: None,
                comment: Some("no approval rule applies".into()),
                is_final: true,
                status: RequestStatus::Approved,
                submitted_by: request.submitted_by,
            },
        )?;
    } else {
        let first: Vec<PlannedStep> = plan.iter().filter(|p| p.step == current_step).cloned().collect();
        announce(conn, meta, &request, &first)?;
    }
    Ok(Submission {
        auto_approved: plan.is_empty(),
        request,
        plan,
    })
}

/// Publishes `requested` for steps that now wait.
pub(super) fn announce(
    conn: &mut PgConnection,
    meta: &EventMeta,
    request: &ApprovalRequest,
    steps: &[PlannedStep],
) -> Result<(), AppError> {
    for s in steps {
        let approver_ids = eligible_approvers(
            conn,
            s.approver_role,
            request.submitted_by,
            request.submitter_department,
        )?;
        events::publish_requested(
            conn,
            meta,
            &ApprovalRequested {
                request_id: request.id,
                document_type: request.document_type.clone(),
                document_id: request.document_id,
                document_number: request.document_number.clone(),
                step: s.step,
                approver_role: s.approver_role,
                approver_ids,
                reasons: s.reasons.clone(),
                submitted_by: request.submitted_by,
                currency: request.facts.currency.clone(),
                total: request.facts.total,
            },
        )?;
    }
    Ok(())
}
