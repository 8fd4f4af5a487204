//! The engine's row types and what its operations return.

use crate::domain::{ApprovalRule, Facts, PlannedStep, RequestStatus, StepDecision, StepState};
use crate::schema::{approval_requests, approval_rules, approval_steps};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_auth::Role;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest decision comment, in characters.
pub const MAX_COMMENT: usize = 2000;

/// Who sees every request (the others see theirs, their department's as sales manager, and the
/// ones whose workflow names a role they hold).
pub(super) const SEE_ALL: [Role; 2] = [Role::GeneralManager, Role::VicePresident];

#[derive(Queryable, Selectable)]
#[diesel(table_name = approval_rules)]
pub(super) struct RuleRow {
    pub(super) id: Uuid,
    pub(super) document_type: String,
    pub(super) condition: String,
    pub(super) threshold: Option<Decimal>,
    pub(super) currency: Option<String>,
    pub(super) approver_role: String,
    pub(super) step: i32,
    pub(super) active: bool,
    pub(super) version: i64,
    pub(super) created_by: String,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

impl TryFrom<RuleRow> for ApprovalRule {
    type Error = AppError;
    fn try_from(r: RuleRow) -> Result<Self, AppError> {
        Ok(ApprovalRule {
            id: r.id,
            document_type: r.document_type,
            condition: r.condition.parse().map_err(AppError::internal)?,
            threshold: r.threshold.map(|t| t.normalize()),
            currency: r.currency,
            approver_role: r.approver_role.parse().map_err(AppError::internal)?,
            step: r.step,
            active: r.active,
            version: r.version,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = approval_requests)]
pub(super) struct RequestRow {
    pub(super) id: Uuid,
    pub(super) document_type: String,
    pub(super) document_id: Uuid,
    pub(super) document_number: String,
    pub(super) submitted_by: Uuid,
    pub(super) submitter_department: Option<Uuid>,
    pub(super) status: String,
    pub(super) current_step: i32,
    pub(super) facts: serde_json::Value,
    pub(super) withdrawn_by: Option<Uuid>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) decided_at: Option<DateTime<Utc>>,
}

/// One submission of a document for approval.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApprovalRequest {
    pub id: Uuid,
    pub document_type: String,
    pub document_id: Uuid,
    pub document_number: String,
    pub submitted_by: Uuid,
    pub submitter_department: Option<Uuid>,
    pub status: RequestStatus,
    /// The step number waiting for decisions (0 when no step was needed).
    pub current_step: i32,
    /// What the rules were evaluated on.
    pub facts: Facts,
    pub withdrawn_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<RequestRow> for ApprovalRequest {
    type Error = AppError;
    fn try_from(r: RequestRow) -> Result<Self, AppError> {
        Ok(ApprovalRequest {
            id: r.id,
            document_type: r.document_type,
            document_id: r.document_id,
            document_number: r.document_number,
            submitted_by: r.submitted_by,
            submitter_department: r.submitter_department,
            status: RequestStatus::parse(&r.status)?,
            current_step: r.current_step,
            facts: serde_json::from_value(r.facts).map_err(AppError::internal)?,
            withdrawn_by: r.withdrawn_by,
            created_at: r.created_at,
            decided_at: r.decided_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = approval_steps)]
pub(super) struct StepRow {
    pub(super) id: Uuid,
    pub(super) request_id: Uuid,
    pub(super) step: i32,
    pub(super) approver_role: String,
    pub(super) reasons: Vec<String>,
    pub(super) decision: Option<String>,
    pub(super) decided_by: Option<Uuid>,
    pub(super) decided_by_name: Option<String>,
    pub(super) comment: Option<String>,
    pub(super) decided_at: Option<DateTime<Utc>>,
}

/// A planned step of a request and, once made, its decision.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApprovalStep {
    pub id: Uuid,
    pub request_id: Uuid,
    pub step: i32,
    pub approver_role: Role,
    pub reasons: Vec<String>,
    /// None while undecided (or never reached, when an earlier step rejected).
    pub decision: Option<StepDecision>,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<StepRow> for ApprovalStep {
    type Error = AppError;
    fn try_from(r: StepRow) -> Result<Self, AppError> {
        Ok(ApprovalStep {
            id: r.id,
            request_id: r.request_id,
            step: r.step,
            approver_role: r.approver_role.parse().map_err(AppError::internal)?,
            reasons: r.reasons,
            decision: r.decision.as_deref().map(StepDecision::parse).transpose()?,
            decided_by: r.decided_by,
            decided_by_name: r.decided_by_name,
            comment: r.comment,
            decided_at: r.decided_at,
        })
    }
}

impl ApprovalStep {
    pub(super) fn planned(&self) -> PlannedStep {
        PlannedStep {
            step: self.step,
            approver_role: self.approver_role,
            reasons: self.reasons.clone(),
        }
    }

    pub(super) fn state(&self) -> StepState {
        StepState {
            step: self.step,
            role: self.approver_role,
            decided: self.decision.is_some(),
        }
    }
}

/// A request with its steps and their decisions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApprovalDetail {
    #[serde(flatten)]
    pub request: ApprovalRequest,
    /// Every planned step in order, with its decision once made.
    pub steps: Vec<ApprovalStep>,
}

/// What `submit` did.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Submission {
    pub request: ApprovalRequest,
    /// The steps the document needs, in order; empty when no rule applied.
    pub plan: Vec<PlannedStep>,
    /// No rule applied: the request is approved already (status `approved`).
    pub auto_approved: bool,
}

/// What `decide` did.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Decision {
    pub request: ApprovalRequest,
    /// The steps this decision recorded (one per role of the current step the approver holds).
    pub decided: Vec<ApprovalStep>,
    /// The request is closed: move the document to `request.status` (approved or rejected).
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The steps that wait now (empty when final).
    pub waiting: Vec<PlannedStep>,
}

/// What the decided document must do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// More steps wait: the document stays pending.
    Pending,
    Approved,
    Rejected,
}

impl Decision {
    /// The decision reduced to what the document must do.
    pub fn verdict(&self) -> Verdict {
        match (self.is_final, self.status()) {
            (true, RequestStatus::Approved) => Verdict::Approved,
            (true, _) => Verdict::Rejected,
            (false, _) => Verdict::Pending,
        }
    }

    pub fn status(&self) -> RequestStatus {
        self.request.status
    }
}

/// Which request: by its id, or a document's (its pending request, else its latest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRef<'a> {
    Id(Uuid),
    Document { document_type: &'a str, document_id: Uuid },
}

impl From<Uuid> for RequestRef<'_> {
    fn from(id: Uuid) -> Self {
        RequestRef::Id(id)
    }
}

impl<'a> From<(&'a str, Uuid)> for RequestRef<'a> {
    fn from((document_type, document_id): (&'a str, Uuid)) -> Self {
        RequestRef::Document {
            document_type,
            document_id,
        }
    }
}
