//! Deciding a step and withdrawing a request; who may decide.

use super::requests::*;
use super::submission::*;
use super::types::*;
use crate::domain::{self, Next, PlannedStep, RequestAction, StepDecision, StepQuorum, StepState};
use crate::events::{self, ApprovalDecided, Outcome};
use crate::schema::{approval_requests, approval_steps};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role, SubjectKind};
use erp_bus::EventMeta;
use erp_directory::directory_employees;
use erp_problem::{AppError, Validator};
use std::collections::HashMap;
use uuid::Uuid;

/// The employees the directory knows who can decide a step of `role` for `submitted_by`: for
/// `sales_manager` the managers above the submitter and the sales managers of the submitter's
/// department (the chain first), for other roles every active holder; never the submitter.
pub fn eligible_approvers(
    conn: &mut PgConnection,
    role: Role,
    submitted_by: Uuid,
    submitter_department: Option<Uuid>,
) -> Result<Vec<Uuid>, AppError> {
    use directory_employees as d;
    let holders = || {
        d::table
            .filter(d::active.eq(true))
            .filter(d::roles.contains(vec![role.as_str().to_owned()]))
            .filter(d::id.ne(submitted_by))
            .select(d::id)
            .order(d::code)
            .limit(500)
    };
    if role != Role::SalesManager {
        return Ok(holders().load(conn)?);
    }
    let mut candidates: Vec<Uuid> = erp_directory::manager_chain(conn, submitted_by)?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let department = erp_directory::find(conn, submitted_by)?
        .and_then(|e| e.department_id)
        .or(submitter_department);
    if let Some(dep) = department {
        candidates.extend(holders().filter(d::department_id.eq(dep)).load::<Uuid>(conn)?);
    }
    let holding: Vec<Uuid> = holders().filter(d::id.eq_any(&candidates)).load(conn)?;
    let mut ids: Vec<Uuid> = Vec::new();
    for c in candidates {
        if holding.contains(&c) && !ids.contains(&c) {
            ids.push(c);
        }
    }
    Ok(ids)
}

/// Whether a sales manager may decide for submitters, per submitter (manager chain or
/// department, from the directory; the request's stored department and the token's when the
/// directory does not know).
pub(super) struct SalesScope {
    pub(super) approver: Uuid,
    pub(super) department: Option<Uuid>,
    pub(super) known: HashMap<Uuid, bool>,
}

impl SalesScope {
    pub(super) fn new(conn: &mut PgConnection, approver: &CurrentUser) -> Result<Self, AppError> {
        let department = erp_directory::find(conn, approver.id)?
            .and_then(|e| e.department_id)
            .or(approver.department_id);
        Ok(Self {
            approver: approver.id,
            department,
            known: HashMap::new(),
        })
    }

    pub(super) fn allows(&mut self, conn: &mut PgConnection, request: &ApprovalRequest) -> Result<bool, AppError> {
        if let Some(known) = self.known.get(&request.submitted_by) {
            return Ok(*known);
        }
        let chain: Vec<Uuid> = erp_directory::manager_chain(conn, request.submitted_by)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let submitter_department = erp_directory::find(conn, request.submitted_by)?
            .and_then(|e| e.department_id)
            .or(request.submitter_department);
        let ok = domain::in_sales_manager_scope(self.approver, self.department, &chain, submitter_department);
        self.known.insert(request.submitted_by, ok);
        Ok(ok)
    }
}

/// Checks that `user` may decide now, and returns the indices of the steps they decide.
pub(super) fn pick_steps(
    conn: &mut PgConnection,
    user: &CurrentUser,
    detail: &ApprovalDetail,
    scope: &mut SalesScope,
) -> Result<Vec<usize>, AppError> {
    let request = &detail.request;
    request.status.transition(RequestAction::Approve { last_step: false })?;
    if user.kind != SubjectKind::Employee {
        return Err(AppError::Forbidden(
            "approvals are decided by employees, not by API keys".into(),
        ));
    }
    if user.id == request.submitted_by {
        return Err(AppError::Forbidden(
            "nobody approves or rejects their own document".into(),
        ));
    }
    let states: Vec<StepState> = detail.steps.iter().map(ApprovalStep::state).collect();
    let sales_step_open = states
        .iter()
        .any(|s| s.step == request.current_step && !s.decided && s.role == Role::SalesManager);
    let in_scope = if sales_step_open && user.has_role(Role::SalesManager) {
        scope.allows(conn, request)?
    } else {
        false
    };
    domain::steps_to_decide(&states, request.current_step, &user.roles, |role| {
        role != Role::SalesManager || in_scope
    })
}

/// Records `approver`'s decision on the current step of a request, named by its id or by its
/// document (`(document_type, document_id)`). The request must be pending and the step
/// current (else 409: deciding twice is a 409); nobody decides their own document, the
/// approver must hold the step's role, and a `sales_manager` must be above the submitter in
/// the directory's manager chain or a sales manager of the submitter's department (else 403).
/// An approval completes the approver's roles of the current step; when the step is complete
/// the next one waits (and is announced) or the request is approved. A rejection rejects the
/// request. Publishes `<service>.approval.decided` per decided step.
pub fn decide<'a>(
    conn: &mut PgConnection,
    target: impl Into<RequestRef<'a>>,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<Decision, AppError> {
    decide_with(conn, target, approver, approve, comment, meta, StepQuorum::EveryRole)
}

/// [`decide`] with the document type's rule for a step of several roles.
pub fn decide_with<'a>(
    conn: &mut PgConnection,
    target: impl Into<RequestRef<'a>>,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
    quorum: StepQuorum,
) -> Result<Decision, AppError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let mut v = Validator::new();
    v.optional_text("comment", comment, MAX_COMMENT);
    v.finish()?;
    let request = lock_request(conn, target.into())?;
    let request_action = if approve {
        RequestAction::Approve { last_step: false }
    } else {
        RequestAction::Reject
    };
    request.status.transition(request_action)?;
    let detail = ApprovalDetail {
        steps: load_steps(conn, &[request.id])?,
        request,
    };
    let mut scope = SalesScope::new(conn, approver)?;
    let picked = pick_steps(conn, approver, &detail, &mut scope)?;
    let ApprovalDetail { request, steps } = detail;
    let decision = if approve {
        StepDecision::Approved
    } else {
        StepDecision::Rejected
    };
    let now = Utc::now();
    let picked_ids: Vec<Uuid> = picked.iter().map(|i| steps[*i].id).collect();
    diesel::update(approval_steps::table.filter(approval_steps::id.eq_any(&picked_ids)))
        .set((
            approval_steps::decision.eq(decision.as_str()),
            approval_steps::decided_by.eq(approver.id),
            approval_steps::decided_by_name.eq(&approver.name),
            approval_steps::comment.eq(comment),
            approval_steps::decided_at.eq(now),
        ))
        .execute(conn)?;
    let mut states: Vec<StepState> = steps.iter().map(ApprovalStep::state).collect();
    for i in &picked {
        states[*i].decided = true;
    }
    let current = request.current_step;
    let (status, current_step) = match domain::next_after_with(&states, current, approve, quorum) {
        Next::Stay => (request.status.transition(request_action)?, current),
        Next::Advance(next) => (request.status.transition(request_action)?, next),
        Next::Approved => (
            request.status.transition(RequestAction::Approve { last_step: true })?,
            current,
        ),
        Next::Rejected => (request.status.transition(RequestAction::Reject)?, current),
    };
    diesel::update(approval_requests::table.find(request.id))
        .set((
            approval_requests::status.eq(status.as_str()),
            approval_requests::current_step.eq(current_step),
            approval_requests::decided_at.eq(status.is_final().then_some(now)),
        ))
        .execute(conn)?;
    let request = load_request(conn, request.id)?;
    let steps = load_steps(conn, &[request.id])?;
    let decided: Vec<ApprovalStep> = steps.iter().filter(|s| picked_ids.contains(&s.id)).cloned().collect();
    for s in &decided {
        events::publish_decided(
            conn,
            meta,
            &ApprovalDecided {
                request_id: request.id,
                document_type: request.document_type.clone(),
                document_id: request.document_id,
                document_number: request.document_number.clone(),
                step: s.step,
                approver_role: Some(s.approver_role),
                decision: decision.into(),
                decided_by: Some(approver.id),
                decided_by_name: Some(approver.name.clone()),
                comment: comment.map(str::to_owned),
                is_final: status.is_final(),
                status,
                submitted_by: request.submitted_by,
            },
        )?;
    }
    let waiting: Vec<PlannedStep> = if status.is_final() {
        Vec::new()
    } else {
        steps
            .iter()
            .filter(|s| s.step == current_step && s.decision.is_none())
            .map(ApprovalStep::planned)
            .collect()
    };
    if current_step != current {
        announce(conn, meta, &request, &waiting)?;
    }
    Ok(Decision {
        is_final: status.is_final(),
        request,
        decided,
        waiting,
    })
}

/// Takes a pending document back (e.g. to change it): its request becomes `withdrawn` and a
/// final `<service>.approval.decided` (decision `withdrawn`) closes the approvers' inbox items.
/// Who may withdraw is the owning service's rule (usually the submitter or the owner).
pub fn withdraw(
    conn: &mut PgConnection,
    document_type: &str,
    document_id: Uuid,
    by: &CurrentUser,
    meta: &EventMeta,
) -> Result<ApprovalRequest, AppError> {
    let request = lock_request(conn, (document_type, document_id).into())?;
    let status = request.status.transition(RequestAction::Withdraw)?;
    diesel::update(approval_requests::table.find(request.id))
        .set((
            approval_requests::status.eq(status.as_str()),
            approval_requests::withdrawn_by.eq(by.id),
            approval_requests::decided_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    let request = load_request(conn, request.id)?;
    events::publish_decided(
        conn,
        meta,
        &ApprovalDecided {
            request_id: request.id,
            document_type: request.document_type.clone(),
            document_id: request.document_id,
            document_number: request.document_number.clone(),
            step: request.current_step,
            approver_role: None,
            decision: Outcome::Withdrawn,
            decided_by: Some(by.id),
            decided_by_name: Some(by.name.clone()),
            comment: None,
            is_final: true,
            status,
            submitted_by: request.submitted_by,
        },
    )?;
    Ok(request)
}
