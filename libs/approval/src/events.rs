//! Events of the approval engine, published through the service's outbox under the service's
//! name: `<service>.approval.requested` and `<service>.approval.decided`, version 1. The daily-
//! work inbox adds an item for `approver_ids` on `requested` and closes the request's items on
//! `decided` (every item of the request when `final`).

use crate::domain::{RequestStatus, StepDecision};
use erp_auth::Role;
use erp_bus::EventMeta;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub const VERSION: u32 = 1;

/// `<source>.approval.requested`, e.g. `crm.approval.requested`.
pub fn requested_type(source: &str) -> String {
    format!("{source}.approval.requested")
}

/// `<source>.approval.decided`, e.g. `crm.approval.decided`.
pub fn decided_type(source: &str) -> String {
    format!("{source}.approval.decided")
}

/// `<service>.approval.requested` v1: a step of a document waits for a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalRequested {
    pub request_id: Uuid,
    pub document_type: String,
    pub document_id: Uuid,
    pub document_number: String,
    pub step: i32,
    pub approver_role: Role,
    /// The employees who can decide, as far as the directory knows them: for `sales_manager`
    /// the submitter's managers and the sales managers of the submitter's department, for other
    /// roles every active holder of the role; never the submitter. Empty when unknown.
    pub approver_ids: Vec<Uuid>,
    pub reasons: Vec<String>,
    pub submitted_by: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub total: Decimal,
}

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Rejected,
    /// The submitter (or the owning service) took the document back.
    Withdrawn,
}

impl From<StepDecision> for Outcome {
    fn from(d: StepDecision) -> Self {
        match d {
            StepDecision::Approved => Outcome::Approved,
            StepDecision::Rejected => Outcome::Rejected,
        }
    }
}

/// `<service>.approval.decided` v1: a step was decided, or the request was withdrawn or
/// approved at once because no rule applied (`step` 0, no `decided_by`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalDecided {
    pub request_id: Uuid,
    pub document_type: String,
    pub document_id: Uuid,
    pub document_number: String,
    pub step: i32,
    pub approver_role: Option<Role>,
    pub decision: Outcome,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub comment: Option<String>,
    /// The request is closed: no further decisions.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The request's status after this decision.
    pub status: RequestStatus,
    pub submitted_by: Uuid,
}

pub(crate) fn publish_requested(
    conn: &mut diesel::PgConnection,
    meta: &EventMeta,
    e: &ApprovalRequested,
) -> Result<Uuid, AppError> {
    let data = serde_json::to_value(e).map_err(AppError::internal)?;
    erp_bus::outbox::enqueue_raw(conn, meta, &requested_type(&meta.source), VERSION, data)
}

pub(crate) fn publish_decided(
    conn: &mut diesel::PgConnection,
    meta: &EventMeta,
    e: &ApprovalDecided,
) -> Result<Uuid, AppError> {
    let data = serde_json::to_value(e).map_err(AppError::internal)?;
    erp_bus::outbox::enqueue_raw(conn, meta, &decided_type(&meta.source), VERSION, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_source_service() {
        assert_eq!(requested_type("crm"), "crm.approval.requested");
        assert_eq!(decided_type("purchasing"), "purchasing.approval.decided");
    }

    #[test]
    fn decided_says_final() {
        let e = ApprovalDecided {
            request_id: Uuid::now_v7(),
            document_type: "quotation".into(),
            document_id: Uuid::now_v7(),
            document_number: "Q-1".into(),
            step: 1,
            approver_role: Some(Role::VicePresident),
            decision: Outcome::Approved,
            decided_by: Some(Uuid::now_v7()),
            decided_by_name: Some("Trần Thị B".into()),
            comment: None,
            is_final: true,
            status: RequestStatus::Approved,
            submitted_by: Uuid::now_v7(),
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["final"], true);
        assert_eq!(v["status"], "approved");
        assert_eq!(v["approver_role"], "vice_president");
        assert_eq!(serde_json::from_value::<ApprovalDecided>(v).unwrap(), e);
    }
}
