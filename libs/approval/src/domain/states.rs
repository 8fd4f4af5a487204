//! The request's state table and who may decide which step.

use erp_auth::Role;
use erp_problem::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

/// What may happen to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAction {
    /// An approval; `last_step` when it completes the final step.
    Approve {
        last_step: bool,
    },
    Reject,
    Withdraw,
}

impl RequestAction {
    fn verb(self) -> &'static str {
        match self {
            RequestAction::Approve { .. } => "approve",
            RequestAction::Reject => "reject",
            RequestAction::Withdraw => "withdraw",
        }
    }
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            "withdrawn" => Ok(Self::Withdrawn),
            other => Err(AppError::internal(format!("unknown approval status {other}"))),
        }
    }

    pub fn is_final(self) -> bool {
        self != RequestStatus::Pending
    }

    /// The whole table: pending → pending (an approval with steps left) | approved | rejected |
    /// withdrawn; a decided or withdrawn request refuses everything (409 `wrong-state`).
    pub fn transition(self, action: RequestAction) -> Result<Self, AppError> {
        use RequestAction as A;
        use RequestStatus as S;
        match (self, action) {
            (S::Pending, A::Approve { last_step: false }) => Ok(S::Pending),
            (S::Pending, A::Approve { last_step: true }) => Ok(S::Approved),
            (S::Pending, A::Reject) => Ok(S::Rejected),
            (S::Pending, A::Withdraw) => Ok(S::Withdrawn),
            (from, action) => Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!(
                    "cannot {} an approval request that is already {}",
                    action.verb(),
                    from.as_str()
                ),
            }),
        }
    }
}

/// A step's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepDecision {
    Approved,
    Rejected,
}

impl StepDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            StepDecision::Approved => "approved",
            StepDecision::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            other => Err(AppError::internal(format!("unknown step decision {other}"))),
        }
    }
}

/// A planned step as far as deciding is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepState {
    pub step: i32,
    pub role: Role,
    pub decided: bool,
}

/// Whether a `sales_manager` may decide for a submitter: above them in the manager chain, or a
/// sales manager of their department.
pub fn in_sales_manager_scope(
    approver: Uuid,
    approver_department: Option<Uuid>,
    submitter_chain: &[Uuid],
    submitter_department: Option<Uuid>,
) -> bool {
    submitter_chain.contains(&approver)
        || matches!((approver_department, submitter_department), (Some(a), Some(s)) if a == s)
}

/// The indices of the steps an approver decides now: the undecided steps of the current step
/// number whose role they hold and may act as (`may_act_as` says whether the scope rules allow
/// a role, e.g. the sales-manager chain). A step of theirs already decided, or not reached
/// yet, is a 409; holding none of the current roles, or out of scope, a 403.
pub fn steps_to_decide(
    steps: &[StepState],
    current_step: i32,
    approver_roles: &[Role],
    may_act_as: impl Fn(Role) -> bool,
) -> Result<Vec<usize>, AppError> {
    let held: Vec<usize> = (0..steps.len())
        .filter(|i| approver_roles.contains(&steps[*i].role))
        .collect();
    let open: Vec<usize> = held
        .iter()
        .copied()
        .filter(|i| steps[*i].step == current_step && !steps[*i].decided)
        .collect();
    if open.is_empty() {
        if let Some(i) = held.iter().copied().find(|i| steps[*i].step > current_step) {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!(
                    "step {} ({}) is not reached yet: step {current_step} is waiting",
                    steps[i].step, steps[i].role
                ),
            });
        }
        if let Some(i) = held.first() {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("step {} ({}) is already decided", steps[*i].step, steps[*i].role),
            });
        }
        let mut waiting: Vec<&str> = steps
            .iter()
            .filter(|s| s.step == current_step && !s.decided)
            .map(|s| s.role.as_str())
            .collect();
        waiting.dedup();
        return Err(AppError::Forbidden(format!(
            "step {current_step} is decided by: {}",
            waiting.join(", ")
        )));
    }
    let allowed: Vec<usize> = open.iter().copied().filter(|i| may_act_as(steps[*i].role)).collect();
    if allowed.is_empty() {
        return Err(AppError::Forbidden(
            "a sales_manager decides only for employees below them in the manager chain or of their own department"
                .into(),
        ));
    }
    Ok(allowed)
}

/// What follows a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Other roles of the current step still have to decide.
    Stay,
    /// The current step is complete; this step number is next.
    Advance(i32),
    /// Every step is approved.
    Approved,
    Rejected,
}

/// When a step with several roles is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StepQuorum {
    /// Every role of the step decides (a quotation needing both a vice president and a general
    /// manager at one step).
    #[default]
    EveryRole,
    /// The first holder of any of its roles decides for the step (a stock count approved by a
    /// general manager or a finance manager); the other roles' rows stay undecided.
    AnyRole,
}

/// The state after the decided steps (already marked decided in `steps`), every role deciding.
pub fn next_after(steps: &[StepState], current_step: i32, approve: bool) -> Next {
    next_after_with(steps, current_step, approve, StepQuorum::EveryRole)
}

/// The state after the decided steps (already marked decided in `steps`).
pub fn next_after_with(steps: &[StepState], current_step: i32, approve: bool, quorum: StepQuorum) -> Next {
    if !approve {
        return Next::Rejected;
    }
    let mut current = steps.iter().filter(|s| s.step == current_step);
    let complete = match quorum {
        StepQuorum::EveryRole => current.all(|s| s.decided),
        StepQuorum::AnyRole => current.any(|s| s.decided),
    };
    if !complete {
        return Next::Stay;
    }
    match steps.iter().filter(|s| s.step > current_step).map(|s| s.step).min() {
        Some(next) => Next::Advance(next),
        None => Next::Approved,
    }
}
