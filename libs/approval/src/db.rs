//! The engine's operations on the approval tables. Every function takes the caller's
//! connection, inside the caller's transaction: a document and its approval change together,
//! and the events go into the same transaction's outbox.

use crate::domain::{
    self, ApprovalRule, Facts, Next, PlannedStep, RequestAction, RequestStatus, RuleSeed, StepDecision, StepState,
};
use crate::events::{self, ApprovalDecided, ApprovalRequested, Outcome};
use crate::schema::{approval_requests, approval_rules, approval_steps};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role, SubjectKind};
use erp_bus::EventMeta;
use erp_directory::directory_employees;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest decision comment, in characters.
pub const MAX_COMMENT: usize = 2000;

/// Who sees every request (the others see theirs, their department's as sales manager, and the
/// ones whose workflow names a role they hold).
const SEE_ALL: [Role; 2] = [Role::GeneralManager, Role::VicePresident];

#[derive(Queryable, Selectable)]
#[diesel(table_name = approval_rules)]
struct RuleRow {
    id: Uuid,
    document_type: String,
    condition: String,
    threshold: Option<Decimal>,
    currency: Option<String>,
    approver_role: String,
    step: i32,
    active: bool,
    version: i64,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
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
struct RequestRow {
    id: Uuid,
    document_type: String,
    document_id: Uuid,
    document_number: String,
    submitted_by: Uuid,
    submitter_department: Option<Uuid>,
    status: String,
    current_step: i32,
    facts: serde_json::Value,
    withdrawn_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
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
struct StepRow {
    id: Uuid,
    request_id: Uuid,
    step: i32,
    approver_role: String,
    reasons: Vec<String>,
    decision: Option<String>,
    decided_by: Option<Uuid>,
    decided_by_name: Option<String>,
    comment: Option<String>,
    decided_at: Option<DateTime<Utc>>,
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
    fn planned(&self) -> PlannedStep {
        PlannedStep {
            step: self.step,
            approver_role: self.approver_role,
            reasons: self.reasons.clone(),
        }
    }

    fn state(&self) -> StepState {
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

// ---------------------------------------------------------------------------------------------
// Rules

/// The rules, by document type and step; optionally of one type, or only (in)active ones.
pub fn list_rules(
    conn: &mut PgConnection,
    document_type: Option<&str>,
    active: Option<bool>,
) -> Result<Vec<ApprovalRule>, AppError> {
    let mut q = approval_rules::table
        .select(RuleRow::as_select())
        .order((
            approval_rules::document_type,
            approval_rules::step,
            approval_rules::approver_role,
            approval_rules::id,
        ))
        .into_boxed();
    if let Some(t) = document_type {
        q = q.filter(approval_rules::document_type.eq(t.to_owned()));
    }
    if let Some(a) = active {
        q = q.filter(approval_rules::active.eq(a));
    }
    q.load(conn)?.into_iter().map(ApprovalRule::try_from).collect()
}

pub fn find_rule(conn: &mut PgConnection, id: Uuid) -> Result<ApprovalRule, AppError> {
    lock_rule(conn, id, false)
}

fn lock_rule(conn: &mut PgConnection, id: Uuid, for_update: bool) -> Result<ApprovalRule, AppError> {
    let q = approval_rules::table.find(id).select(RuleRow::as_select());
    let row = if for_update {
        q.for_update().first(conn).optional()?
    } else {
        q.first(conn).optional()?
    };
    row.ok_or_else(|| AppError::not_found("approval rule"))?.try_into()
}

/// Adds a rule (already validated, e.g. by `domain::parse_rule`); `by` is the actor.
pub fn create_rule(conn: &mut PgConnection, rule: &RuleSeed, active: bool, by: &str) -> Result<ApprovalRule, AppError> {
    let id = Uuid::now_v7();
    diesel::insert_into(approval_rules::table)
        .values((
            approval_rules::id.eq(id),
            approval_rules::document_type.eq(&rule.document_type),
            approval_rules::condition.eq(rule.condition.as_str()),
            approval_rules::threshold.eq(rule.threshold),
            approval_rules::currency.eq(&rule.currency),
            approval_rules::approver_role.eq(rule.approver_role.as_str()),
            approval_rules::step.eq(rule.step),
            approval_rules::active.eq(active),
            approval_rules::created_by.eq(by),
        ))
        .execute(conn)?;
    find_rule(conn, id)
}

/// Replaces a rule's values when `version` is still the stored one (else 409 `stale-version`);
/// `active` None keeps it as it is. Requests already submitted keep their planned steps.
pub fn update_rule(
    conn: &mut PgConnection,
    id: Uuid,
    rule: &RuleSeed,
    active: Option<bool>,
    version: i64,
) -> Result<ApprovalRule, AppError> {
    let current = lock_rule(conn, id, true)?;
    if current.version != version {
        return Err(AppError::stale_version("the approval rule"));
    }
    diesel::update(approval_rules::table.find(id))
        .set((
            approval_rules::document_type.eq(&rule.document_type),
            approval_rules::condition.eq(rule.condition.as_str()),
            approval_rules::threshold.eq(rule.threshold),
            approval_rules::currency.eq(&rule.currency),
            approval_rules::approver_role.eq(rule.approver_role.as_str()),
            approval_rules::step.eq(rule.step),
            approval_rules::active.eq(active.unwrap_or(current.active)),
            approval_rules::version.eq(approval_rules::version + 1),
            approval_rules::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    find_rule(conn, id)
}

/// Takes a rule out of the matrix (409 `wrong-state` when it is inactive already).
pub fn deactivate_rule(conn: &mut PgConnection, id: Uuid) -> Result<ApprovalRule, AppError> {
    let current = lock_rule(conn, id, true)?;
    if !current.active {
        return Err(AppError::Conflict {
            slug: "wrong-state",
            detail: "the approval rule is inactive already".into(),
        });
    }
    diesel::update(approval_rules::table.find(id))
        .set((
            approval_rules::active.eq(false),
            approval_rules::version.eq(approval_rules::version + 1),
            approval_rules::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    find_rule(conn, id)
}

/// The active rules of a document type.
pub fn active_rules(conn: &mut PgConnection, document_type: &str) -> Result<Vec<ApprovalRule>, AppError> {
    list_rules(conn, Some(document_type), Some(true))
}

/// Serialises seeding between instances starting together ("approval_seed").
const SEED_LOCK: i64 = 0x0061_7070_725f_7365;

/// Inserts the default rules of each document type that has no rule at all yet (active or
/// not): safe at every start, and a general manager's later edits are never overwritten.
/// Returns how many rules were inserted.
pub fn seed_rules(conn: &mut PgConnection, seeds: &[RuleSeed]) -> Result<usize, AppError> {
    let mut v = Validator::new();
    for s in seeds {
        s.check(&mut v);
    }
    v.finish()?;
    diesel::sql_query(format!("SELECT pg_advisory_xact_lock({SEED_LOCK})")).execute(conn)?;
    let mut types: Vec<&str> = seeds.iter().map(|s| s.document_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    let mut inserted = 0;
    for t in types {
        let known: i64 = approval_rules::table
            .filter(approval_rules::document_type.eq(t))
            .count()
            .get_result(conn)?;
        if known > 0 {
            continue;
        }
        for s in seeds.iter().filter(|s| s.document_type == t) {
            create_rule(conn, s, true, "seed")?;
            inserted += 1;
        }
    }
    Ok(inserted)
}

// ---------------------------------------------------------------------------------------------
// Requests

fn load_request(conn: &mut PgConnection, id: Uuid) -> Result<ApprovalRequest, AppError> {
    approval_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("approval request"))?
        .try_into()
}

/// The request `target` names, locked for the rest of the transaction.
fn lock_request(conn: &mut PgConnection, target: RequestRef<'_>) -> Result<ApprovalRequest, AppError> {
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

fn load_steps(conn: &mut PgConnection, request_ids: &[Uuid]) -> Result<Vec<ApprovalStep>, AppError> {
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
fn with_steps(conn: &mut PgConnection, requests: Vec<ApprovalRequest>) -> Result<Vec<ApprovalDetail>, AppError> {
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

fn check_facts(facts: &Facts) -> Result<(), AppError> {
    let mut v = Validator::new();
    v.text("document_type", &facts.document_type, 100)
        .text("document_number", &facts.document_number, 100);
    if !domain::is_currency_code(facts.currency.trim()) {
        v.add("currency", "must be an ISO 4217 code of three capital letters");
    }
    v.finish()
}

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
fn announce(
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
struct SalesScope {
    approver: Uuid,
    department: Option<Uuid>,
    known: HashMap<Uuid, bool>,
}

impl SalesScope {
    fn new(conn: &mut PgConnection, approver: &CurrentUser) -> Result<Self, AppError> {
        let department = erp_directory::find(conn, approver.id)?
            .and_then(|e| e.department_id)
            .or(approver.department_id);
        Ok(Self {
            approver: approver.id,
            department,
            known: HashMap::new(),
        })
    }

    fn allows(&mut self, conn: &mut PgConnection, request: &ApprovalRequest) -> Result<bool, AppError> {
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
fn pick_steps(
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
    let (status, current_step) = match domain::next_after(&states, current, approve) {
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

/// Most requests the inbox looks at in one go.
const INBOX_LIMIT: i64 = 1000;

/// What waits for `user`'s decision now: pending requests of others whose current step names a
/// role the user holds (for `sales_manager` only those of their reports or department), newest
/// first. The daily-work inbox of a service.
pub fn pending_for(conn: &mut PgConnection, user: &CurrentUser) -> Result<Vec<ApprovalDetail>, AppError> {
    if user.kind != SubjectKind::Employee || user.roles.is_empty() {
        return Ok(Vec::new());
    }
    let roles: Vec<String> = user.roles.iter().map(|r| r.as_str().to_owned()).collect();
    let ids: Vec<Uuid> = approval_steps::table
        .inner_join(approval_requests::table)
        .filter(approval_requests::status.eq(RequestStatus::Pending.as_str()))
        .filter(approval_steps::step.eq(approval_requests::current_step))
        .filter(approval_steps::decision.is_null())
        .filter(approval_steps::approver_role.eq_any(&roles))
        .filter(approval_requests::submitted_by.ne(user.id))
        .select(approval_requests::id)
        .distinct()
        .limit(INBOX_LIMIT)
        .load(conn)?;
    let requests = approval_requests::table
        .filter(approval_requests::id.eq_any(&ids))
        .select(RequestRow::as_select())
        .order(approval_requests::id.desc())
        .load(conn)?
        .into_iter()
        .map(ApprovalRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let mut scope = SalesScope::new(conn, user)?;
    let mut mine = Vec::new();
    for d in with_steps(conn, requests)? {
        if pick_steps(conn, user, &d, &mut scope).is_ok() {
            mine.push(d);
        }
    }
    Ok(mine)
}

/// Whether `user` may read a request: general and vice presidents all; others their own, the
/// ones they decided, their department's as sales manager, and those whose steps name a role
/// they hold (a sales manager: for their reports or department).
fn can_view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    d: &ApprovalDetail,
    scope: &mut SalesScope,
) -> Result<bool, AppError> {
    if user.has_any_role(&SEE_ALL)
        || d.request.submitted_by == user.id
        || d.steps.iter().any(|s| s.decided_by == Some(user.id))
    {
        return Ok(true);
    }
    let roles: Vec<Role> = d
        .steps
        .iter()
        .map(|s| s.approver_role)
        .filter(|r| user.has_role(*r))
        .collect();
    if roles.iter().any(|r| *r != Role::SalesManager) {
        return Ok(true);
    }
    if user.has_role(Role::SalesManager) {
        if scope.department.is_some() && scope.department == d.request.submitter_department {
            return Ok(true);
        }
        if !roles.is_empty() {
            return scope.allows(conn, &d.request);
        }
    }
    Ok(false)
}

/// A request with its history, if `user` may see it (else 404: ids leak nothing).
pub fn find_visible(conn: &mut PgConnection, user: &CurrentUser, request_id: Uuid) -> Result<ApprovalDetail, AppError> {
    let d = find(conn, request_id)?;
    let mut scope = SalesScope::new(conn, user)?;
    if can_view(conn, user, &d, &mut scope)? {
        Ok(d)
    } else {
        Err(AppError::not_found("approval request"))
    }
}

/// Filters of the request list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<RequestStatus>,
    pub document_type: Option<String>,
    pub document_id: Option<Uuid>,
    /// Newest first: requests with a smaller id than this.
    pub cursor: Option<Uuid>,
    pub limit: i64,
}

impl ListFilter {
    fn keeps(&self, r: &ApprovalRequest) -> bool {
        self.status.is_none_or(|s| s == r.status)
            && self.document_type.as_ref().is_none_or(|t| *t == r.document_type)
            && self.document_id.is_none_or(|id| id == r.document_id)
            && self.cursor.is_none_or(|c| r.id < c)
    }
}

/// The requests `user` may see, newest first, one page; the cursor of the next page.
pub fn list_visible(
    conn: &mut PgConnection,
    user: &CurrentUser,
    filter: &ListFilter,
) -> Result<(Vec<ApprovalDetail>, Option<Uuid>), AppError> {
    use approval_requests as r;
    let mut q = r::table
        .select(RequestRow::as_select())
        .order(r::id.desc())
        .limit(filter.limit + 1)
        .into_boxed();
    if let Some(s) = filter.status {
        q = q.filter(r::status.eq(s.as_str()));
    }
    if let Some(t) = &filter.document_type {
        q = q.filter(r::document_type.eq(t.clone()));
    }
    if let Some(id) = filter.document_id {
        q = q.filter(r::document_id.eq(id));
    }
    if let Some(c) = filter.cursor {
        q = q.filter(r::id.lt(c));
    }
    let mut scope = SalesScope::new(conn, user)?;
    if !user.has_any_role(&SEE_ALL) {
        // A coarse filter in SQL; `can_view` decides row by row.
        let roles: Vec<String> = user.roles.iter().map(|x| x.as_str().to_owned()).collect();
        let involved = approval_steps::table
            .filter(
                approval_steps::decided_by
                    .eq(user.id)
                    .or(approval_steps::approver_role.eq_any(roles)),
            )
            .select(approval_steps::request_id);
        let department = scope.department.filter(|_| user.has_role(Role::SalesManager));
        q = q.filter(
            r::submitted_by
                .eq(user.id)
                .or(r::submitter_department
                    .eq(department)
                    .and(r::submitter_department.is_not_null()))
                .or(r::id.eq_any(involved)),
        );
    }
    let mut rows = q
        .load(conn)?
        .into_iter()
        .map(ApprovalRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = erp_db::split_page(&mut rows, filter.limit, |r| r.id);
    let mut visible = Vec::new();
    for d in with_steps(conn, rows)? {
        if can_view(conn, user, &d, &mut scope)? {
            visible.push(d);
        }
    }
    Ok((visible, next_cursor))
}

/// `pending_for`, one page at a time (newest first).
pub fn list_pending_for(
    conn: &mut PgConnection,
    user: &CurrentUser,
    filter: &ListFilter,
) -> Result<(Vec<ApprovalDetail>, Option<Uuid>), AppError> {
    let mut items: Vec<ApprovalDetail> = pending_for(conn, user)?
        .into_iter()
        .filter(|d| filter.keeps(&d.request))
        .collect();
    let next_cursor = erp_db::split_page(&mut items, filter.limit, |d| d.request.id);
    Ok((items, next_cursor))
}
