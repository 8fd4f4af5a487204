//! The authority matrix and the request's states, free of I/O: rule conditions and their
//! validation, the facts a document is judged on, `evaluate` (which steps a submission needs),
//! the request's state table and who may decide which step.

use chrono::{DateTime, Utc};
use erp_auth::Role;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;

/// When a rule applies to a submitted document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// A line is priced below the item's floor price.
    BelowFloorPrice,
    /// Payment after delivery or monthly settlement.
    CreditTerms,
    /// The document would take the customer's open receivables over its credit limit.
    OverCreditLimit,
    /// Gross margin below `threshold` percent.
    MarginBelow,
    /// Total above `threshold`, in `currency` (documents in other currencies do not match).
    TotalAbove,
    /// Applies only when no other active rule of the document type matched.
    Otherwise,
}

impl Condition {
    pub const ALL: [Condition; 6] = [
        Condition::BelowFloorPrice,
        Condition::CreditTerms,
        Condition::OverCreditLimit,
        Condition::MarginBelow,
        Condition::TotalAbove,
        Condition::Otherwise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::BelowFloorPrice => "below_floor_price",
            Condition::CreditTerms => "credit_terms",
            Condition::OverCreditLimit => "over_credit_limit",
            Condition::MarginBelow => "margin_below",
            Condition::TotalAbove => "total_above",
            Condition::Otherwise => "otherwise",
        }
    }

    /// Whether the rule needs a `threshold` (and only then may have one).
    pub fn takes_threshold(self) -> bool {
        matches!(self, Condition::MarginBelow | Condition::TotalAbove)
    }

    /// Whether the rule needs a `currency` (and only then may have one).
    pub fn takes_currency(self) -> bool {
        self == Condition::TotalAbove
    }
}

impl FromStr for Condition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Condition::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Condition::ALL.iter().map(|c| c.as_str()).collect();
            format!("unknown condition `{s}`; one of: {}", known.join(", "))
        })
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the authority matrix.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ApprovalRule {
    pub id: Uuid,
    /// The kind of document, as the owning service names it (`quotation`, `sales_order`, …).
    pub document_type: String,
    pub condition: Condition,
    /// Percent for `margin_below`, an amount in `currency` for `total_above`.
    #[schema(value_type = Option<String>)]
    pub threshold: Option<Decimal>,
    /// ISO 4217, for `total_above`.
    pub currency: Option<String>,
    pub approver_role: Role,
    /// Steps are decided in ascending order; the roles of one step all decide before the next.
    pub step: i32,
    pub active: bool,
    pub version: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The values of a rule as given (by a seed or by the API), before it gets an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSeed {
    pub document_type: String,
    pub condition: Condition,
    pub threshold: Option<Decimal>,
    pub currency: Option<String>,
    pub approver_role: Role,
    pub step: i32,
}

impl RuleSeed {
    pub fn new(document_type: &str, condition: Condition, approver_role: Role, step: i32) -> Self {
        Self {
            document_type: document_type.to_owned(),
            condition,
            threshold: None,
            currency: None,
            approver_role,
            step,
        }
    }

    /// `margin_below` percent.
    pub fn percent(mut self, threshold: Decimal) -> Self {
        self.threshold = Some(threshold);
        self
    }

    /// `total_above` amount and its currency.
    pub fn amount(mut self, threshold: Decimal, currency: &str) -> Self {
        self.threshold = Some(threshold);
        self.currency = Some(currency.to_owned());
        self
    }

    /// Checks the combination of values; field names are those of the API's rule body.
    pub fn check(&self, v: &mut Validator) {
        check_document_type(v, &self.document_type);
        check_values(v, self.condition, self.threshold, self.currency.as_deref(), self.step);
    }
}

fn check_document_type(v: &mut Validator, document_type: &str) {
    v.text("document_type", document_type, 100);
    if !document_type
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
    {
        v.add(
            "document_type",
            "use lower-case letters, digits, `_`, `.` or `-` (e.g. `quotation`)",
        );
    }
}

fn check_values(
    v: &mut Validator,
    condition: Condition,
    threshold: Option<Decimal>,
    currency: Option<&str>,
    step: i32,
) {
    match (condition.takes_threshold(), threshold) {
        (true, None) => {
            v.add("threshold", format!("is required for {condition}"));
        }
        (false, Some(_)) => {
            v.add(
                "threshold",
                format!("only margin_below and total_above take one, not {condition}"),
            );
        }
        (true, Some(t)) if condition == Condition::MarginBelow && (t < Decimal::ZERO || t > Decimal::ONE_HUNDRED) => {
            v.add("threshold", "a margin percentage must be between 0 and 100");
        }
        (true, Some(t)) if t < Decimal::ZERO => {
            v.add("threshold", "must not be negative");
        }
        _ => {}
    }
    match (condition.takes_currency(), currency) {
        (true, None) => {
            v.add("currency", format!("is required for {condition}"));
        }
        (true, Some(c)) if !is_currency_code(c) => {
            v.add(
                "currency",
                "must be an ISO 4217 code of three capital letters (VND, CNY, USD)",
            );
        }
        (false, Some(_)) => {
            v.add("currency", format!("only total_above takes one, not {condition}"));
        }
        _ => {}
    }
    if !(1..=99).contains(&step) {
        v.add("step", "must be between 1 and 99");
    }
}

pub(crate) fn is_currency_code(c: &str) -> bool {
    c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase())
}

/// A rule as a client sends it: unknown names and every bad combination become one 422 naming
/// the fields. Text is trimmed, the currency upper-cased.
pub fn parse_rule(
    document_type: &str,
    condition: &str,
    threshold: Option<Decimal>,
    currency: Option<&str>,
    approver_role: &str,
    step: i32,
) -> Result<RuleSeed, AppError> {
    let mut v = Validator::new();
    let document_type = document_type.trim();
    check_document_type(&mut v, document_type);
    let condition = condition
        .trim()
        .parse::<Condition>()
        .map_err(|e| v.add("condition", e))
        .ok();
    let approver_role = approver_role
        .trim()
        .parse::<Role>()
        .map_err(|e| v.add("approver_role", e))
        .ok();
    let currency = currency
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    if let Some(condition) = condition {
        check_values(&mut v, condition, threshold, currency.as_deref(), step);
    } else if !(1..=99).contains(&step) {
        v.add("step", "must be between 1 and 99");
    }
    v.finish()?;
    match (condition, approver_role) {
        (Some(condition), Some(approver_role)) => Ok(RuleSeed {
            document_type: document_type.to_owned(),
            condition,
            threshold,
            currency,
            approver_role,
            step,
        }),
        _ => Err(AppError::internal("rule values checked but not parsed")),
    }
}

/// What the rules look at: given by the owning service when a document is submitted, stored
/// with the request (jsonb).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Facts {
    pub document_type: String,
    pub document_id: Uuid,
    pub document_number: String,
    pub submitted_by: Uuid,
    /// Taken from the directory when not given.
    #[serde(default)]
    pub submitter_department: Option<Uuid>,
    /// ISO 4217 currency of `total`.
    pub currency: String,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// A line is priced below its item's floor price.
    #[serde(default)]
    pub below_floor: bool,
    /// Payment after delivery or monthly settlement.
    #[serde(default)]
    pub credit_terms: bool,
    /// The customer's open receivables would exceed its credit limit.
    #[serde(default)]
    pub over_credit_limit: bool,
    /// Gross margin in percent, when known.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
}

impl Facts {
    /// Facts with no risk flags set; set the ones that apply.
    pub fn new(
        document_type: &str,
        document_id: Uuid,
        document_number: &str,
        submitted_by: Uuid,
        currency: &str,
        total: Decimal,
    ) -> Self {
        Self {
            document_type: document_type.to_owned(),
            document_id,
            document_number: document_number.to_owned(),
            submitted_by,
            submitter_department: None,
            currency: currency.to_owned(),
            total,
            below_floor: false,
            credit_terms: false,
            over_credit_limit: false,
            margin_pct: None,
        }
    }
}

/// One step a submission needs: a role, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlannedStep {
    pub step: i32,
    pub approver_role: Role,
    /// In plain words: "line below floor price", "total 120,000,000 VND above 100,000,000".
    pub reasons: Vec<String>,
}

/// The steps `facts` need under `rules`: the active rules of the document type that match,
/// one planned step per (step, role), by step ascending (then by role). `otherwise` rules apply
/// only when no other rule matched. Empty when nothing applies: the caller decides (`submit`
/// approves at once).
pub fn evaluate(rules: &[ApprovalRule], facts: &Facts) -> Vec<PlannedStep> {
    let applicable: Vec<&ApprovalRule> = rules
        .iter()
        .filter(|r| r.active && r.document_type == facts.document_type)
        .collect();
    let mut matched: Vec<(&ApprovalRule, String)> = applicable
        .iter()
        .filter(|r| r.condition != Condition::Otherwise)
        .filter_map(|r| reason(r, facts).map(|why| (*r, why)))
        .collect();
    if matched.is_empty() {
        matched = applicable
            .iter()
            .filter(|r| r.condition == Condition::Otherwise)
            .map(|r| (*r, "standard approval: no other rule applies".to_owned()))
            .collect();
    }
    let mut steps: BTreeMap<(i32, Role), PlannedStep> = BTreeMap::new();
    for (rule, why) in matched {
        let planned = steps
            .entry((rule.step, rule.approver_role))
            .or_insert_with(|| PlannedStep {
                step: rule.step,
                approver_role: rule.approver_role,
                reasons: Vec::new(),
            });
        if !planned.reasons.contains(&why) {
            planned.reasons.push(why);
        }
    }
    steps.into_values().collect()
}

/// Why `rule` applies to `facts`, or None when it does not.
fn reason(rule: &ApprovalRule, facts: &Facts) -> Option<String> {
    match rule.condition {
        Condition::BelowFloorPrice => facts.below_floor.then(|| "line below floor price".to_owned()),
        Condition::CreditTerms => facts
            .credit_terms
            .then(|| "credit terms (payment after delivery)".to_owned()),
        Condition::OverCreditLimit => facts
            .over_credit_limit
            .then(|| "customer's receivables over the credit limit".to_owned()),
        Condition::MarginBelow => {
            let (limit, margin) = (rule.threshold?, facts.margin_pct?);
            (margin < limit).then(|| format!("gross margin {}% below {}%", margin.normalize(), limit.normalize()))
        }
        Condition::TotalAbove => {
            let limit = rule.threshold?;
            let currency = rule.currency.as_deref()?;
            (currency.eq_ignore_ascii_case(facts.currency.trim()) && facts.total > limit).then(|| {
                format!(
                    "total {} {} above {}",
                    group_thousands(facts.total),
                    currency,
                    group_thousands(limit)
                )
            })
        }
        Condition::Otherwise => None,
    }
}

/// `120000000` → `120,000,000`; a fraction is kept unless it is zero (`1234.50` → `1,234.50`).
pub fn group_thousands(amount: Decimal) -> String {
    let amount = if amount.fract().is_zero() {
        amount.trunc()
    } else {
        amount
    };
    let text = amount.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

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

/// The state after the decided steps (already marked decided in `steps`).
pub fn next_after(steps: &[StepState], current_step: i32, approve: bool) -> Next {
    if !approve {
        return Next::Rejected;
    }
    if steps.iter().any(|s| s.step == current_step && !s.decided) {
        return Next::Stay;
    }
    match steps.iter().filter(|s| s.step > current_step).map(|s| s.step).min() {
        Some(next) => Next::Advance(next),
        None => Next::Approved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const DOC: &str = "quotation";

    fn rule(condition: Condition, role: Role, step: i32) -> ApprovalRule {
        ApprovalRule {
            id: Uuid::now_v7(),
            document_type: DOC.into(),
            condition,
            threshold: None,
            currency: None,
            approver_role: role,
            step,
            active: true,
            version: 1,
            created_by: "test".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn total_above(amount: Decimal, currency: &str, role: Role, step: i32) -> ApprovalRule {
        ApprovalRule {
            threshold: Some(amount),
            currency: Some(currency.into()),
            ..rule(Condition::TotalAbove, role, step)
        }
    }

    fn margin_below(pct: Decimal, role: Role, step: i32) -> ApprovalRule {
        ApprovalRule {
            threshold: Some(pct),
            ..rule(Condition::MarginBelow, role, step)
        }
    }

    fn facts(total: Decimal) -> Facts {
        Facts::new(DOC, Uuid::now_v7(), "Q-2026-000001", Uuid::now_v7(), "VND", total)
    }

    fn roles(plan: &[PlannedStep]) -> Vec<(i32, Role)> {
        plan.iter().map(|p| (p.step, p.approver_role)).collect()
    }

    #[test]
    fn below_floor_price_needs_the_vice_president() {
        let rules = [rule(Condition::BelowFloorPrice, Role::VicePresident, 1)];
        assert!(evaluate(&rules, &facts(dec!(10))).is_empty());
        let plan = evaluate(
            &rules,
            &Facts {
                below_floor: true,
                ..facts(dec!(10))
            },
        );
        assert_eq!(roles(&plan), vec![(1, Role::VicePresident)]);
        assert_eq!(plan[0].reasons, vec!["line below floor price"]);
    }

    #[test]
    fn credit_terms_and_credit_limit_need_the_general_manager() {
        let rules = [
            rule(Condition::CreditTerms, Role::GeneralManager, 2),
            rule(Condition::OverCreditLimit, Role::GeneralManager, 2),
        ];
        let plan = evaluate(
            &rules,
            &Facts {
                credit_terms: true,
                ..facts(dec!(10))
            },
        );
        assert_eq!(roles(&plan), vec![(2, Role::GeneralManager)]);
        let plan = evaluate(
            &rules,
            &Facts {
                credit_terms: true,
                over_credit_limit: true,
                ..facts(dec!(10))
            },
        );
        assert_eq!(plan.len(), 1, "one step per (step, role)");
        assert_eq!(plan[0].reasons.len(), 2, "{:?}", plan[0].reasons);
        assert!(plan[0].reasons[1].contains("credit limit"));
    }

    #[test]
    fn margin_below_compares_percentages() {
        let rules = [margin_below(dec!(10), Role::VicePresident, 1)];
        let with = |m: Option<Decimal>| {
            evaluate(
                &rules,
                &Facts {
                    margin_pct: m,
                    ..facts(dec!(10))
                },
            )
        };
        assert!(with(None).is_empty(), "unknown margin does not match");
        assert!(with(Some(dec!(10))).is_empty(), "at the limit is fine");
        let plan = with(Some(dec!(8.50)));
        assert_eq!(roles(&plan), vec![(1, Role::VicePresident)]);
        assert_eq!(plan[0].reasons, vec!["gross margin 8.5% below 10%"]);
    }

    #[test]
    fn total_above_compares_amounts_of_the_same_currency_only() {
        let rules = [total_above(dec!(100000000), "VND", Role::VicePresident, 1)];
        assert!(evaluate(&rules, &facts(dec!(100000000))).is_empty(), "not above");
        let plan = evaluate(&rules, &facts(dec!(120000000)));
        assert_eq!(plan[0].reasons, vec!["total 120,000,000 VND above 100,000,000"]);
        let usd = Facts {
            currency: "USD".into(),
            ..facts(dec!(120000000))
        };
        assert!(
            evaluate(&rules, &usd).is_empty(),
            "a USD total is not compared with a VND limit"
        );
    }

    #[test]
    fn a_chain_is_ordered_by_step() {
        let rules = [
            total_above(dec!(500000000), "VND", Role::GeneralManager, 2),
            total_above(dec!(100000000), "VND", Role::VicePresident, 1),
            rule(Condition::BelowFloorPrice, Role::VicePresident, 1),
            rule(Condition::Otherwise, Role::SalesManager, 1),
        ];
        let plan = evaluate(
            &rules,
            &Facts {
                below_floor: true,
                ..facts(dec!(600000000))
            },
        );
        assert_eq!(roles(&plan), vec![(1, Role::VicePresident), (2, Role::GeneralManager)]);
        assert_eq!(
            plan[0].reasons.len(),
            2,
            "both reasons of the VP step: {:?}",
            plan[0].reasons
        );
        let plan = evaluate(&rules, &facts(dec!(200000000)));
        assert_eq!(roles(&plan), vec![(1, Role::VicePresident)], "below the higher amount");
    }

    #[test]
    fn roles_of_one_step_are_all_planned() {
        let rules = [
            rule(Condition::CreditTerms, Role::GeneralManager, 1),
            rule(Condition::BelowFloorPrice, Role::VicePresident, 1),
        ];
        let plan = evaluate(
            &rules,
            &Facts {
                credit_terms: true,
                below_floor: true,
                ..facts(dec!(1))
            },
        );
        assert_eq!(roles(&plan), vec![(1, Role::VicePresident), (1, Role::GeneralManager)]);
    }

    #[test]
    fn otherwise_applies_only_when_nothing_else_matched() {
        let rules = [
            rule(Condition::BelowFloorPrice, Role::VicePresident, 1),
            rule(Condition::Otherwise, Role::SalesManager, 1),
        ];
        let plan = evaluate(&rules, &facts(dec!(10)));
        assert_eq!(roles(&plan), vec![(1, Role::SalesManager)]);
        assert!(plan[0].reasons[0].contains("no other rule"));
        let plan = evaluate(
            &rules,
            &Facts {
                below_floor: true,
                ..facts(dec!(10))
            },
        );
        assert_eq!(
            roles(&plan),
            vec![(1, Role::VicePresident)],
            "the sales manager is not asked too"
        );
    }

    #[test]
    fn nothing_matching_and_no_otherwise_is_an_empty_plan() {
        let rules = [total_above(dec!(100), "VND", Role::VicePresident, 1)];
        assert!(evaluate(&rules, &facts(dec!(5))).is_empty());
        assert!(evaluate(&[], &facts(dec!(5))).is_empty());
    }

    #[test]
    fn inactive_rules_and_other_document_types_are_ignored() {
        let inactive = ApprovalRule {
            active: false,
            ..rule(Condition::Otherwise, Role::SalesManager, 1)
        };
        let other_type = ApprovalRule {
            document_type: "sales_order".into(),
            ..rule(Condition::BelowFloorPrice, Role::VicePresident, 1)
        };
        let floor_inactive = ApprovalRule {
            active: false,
            ..rule(Condition::BelowFloorPrice, Role::GeneralManager, 1)
        };
        let otherwise = rule(Condition::Otherwise, Role::SalesManager, 2);
        let f = Facts {
            below_floor: true,
            ..facts(dec!(5))
        };
        assert!(evaluate(&[inactive, other_type.clone()], &f).is_empty());
        // An inactive matching rule does not suppress `otherwise`.
        let plan = evaluate(&[floor_inactive, other_type, otherwise], &f);
        assert_eq!(roles(&plan), vec![(2, Role::SalesManager)]);
    }

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(group_thousands(dec!(120000000)), "120,000,000");
        assert_eq!(group_thousands(dec!(100000000.0000)), "100,000,000");
        assert_eq!(group_thousands(dec!(1234.50)), "1,234.50");
        assert_eq!(group_thousands(dec!(999)), "999");
        assert_eq!(group_thousands(dec!(-1000)), "-1,000");
        assert_eq!(group_thousands(dec!(0)), "0");
    }

    #[test]
    fn rule_values_are_validated_together() {
        let fields = |r: Result<RuleSeed, AppError>| match r {
            Err(AppError::Validation(errs)) => errs.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(parse_rule("quotation", "whenever", None, None, "boss", 0)),
            vec!["condition", "approver_role", "step"]
        );
        assert_eq!(
            fields(parse_rule("quotation", "total_above", None, None, "vice_president", 1)),
            vec!["threshold", "currency"]
        );
        assert_eq!(
            fields(parse_rule(
                "quotation",
                "margin_below",
                Some(dec!(150)),
                None,
                "vice_president",
                1
            )),
            vec!["threshold"]
        );
        assert_eq!(
            fields(parse_rule("quotation", "margin_below", None, None, "vice_president", 1)),
            vec!["threshold"]
        );
        assert_eq!(
            fields(parse_rule(
                "Quotation ",
                "credit_terms",
                Some(dec!(1)),
                Some("VND"),
                "general_manager",
                1
            )),
            vec!["document_type", "threshold", "currency"]
        );
        assert_eq!(
            fields(parse_rule(
                "quotation",
                "total_above",
                Some(dec!(-1)),
                Some("dong"),
                "vice_president",
                1
            )),
            vec!["threshold", "currency"]
        );
        let ok = parse_rule(
            " quotation ",
            "total_above",
            Some(dec!(100)),
            Some("vnd"),
            "vice_president",
            2,
        )
        .unwrap();
        assert_eq!(
            ok,
            RuleSeed::new("quotation", Condition::TotalAbove, Role::VicePresident, 2).amount(dec!(100), "VND")
        );
        let ok = parse_rule("quotation", "margin_below", Some(dec!(0)), None, "vice_president", 1).unwrap();
        assert_eq!(ok.threshold, Some(dec!(0)));
    }

    #[test]
    fn condition_names_round_trip() {
        for c in Condition::ALL {
            assert_eq!(c.as_str().parse::<Condition>(), Ok(c));
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.as_str()));
        }
        assert!("never".parse::<Condition>().is_err());
    }

    #[test]
    fn request_state_table() {
        use RequestAction as A;
        use RequestStatus as S;
        let all = [
            A::Approve { last_step: false },
            A::Approve { last_step: true },
            A::Reject,
            A::Withdraw,
        ];
        assert_eq!(
            S::Pending.transition(A::Approve { last_step: false }).unwrap(),
            S::Pending
        );
        assert_eq!(
            S::Pending.transition(A::Approve { last_step: true }).unwrap(),
            S::Approved
        );
        assert_eq!(S::Pending.transition(A::Reject).unwrap(), S::Rejected);
        assert_eq!(S::Pending.transition(A::Withdraw).unwrap(), S::Withdrawn);
        for from in [S::Approved, S::Rejected, S::Withdrawn] {
            assert!(from.is_final());
            for action in all {
                match from.transition(action) {
                    Err(AppError::Conflict { slug, .. }) => assert_eq!(slug, "wrong-state"),
                    other => panic!("{from:?} + {action:?} gave {other:?}"),
                }
            }
        }
        for s in [S::Pending, S::Approved, S::Rejected, S::Withdrawn] {
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
    }

    fn state(step: i32, role: Role, decided: bool) -> StepState {
        StepState { step, role, decided }
    }

    fn status_of(r: Result<Vec<usize>, AppError>) -> u16 {
        match r {
            Ok(_) => 200,
            Err(e) => e.to_problem().status,
        }
    }

    #[test]
    fn only_the_current_step_is_decided_and_only_by_its_role() {
        let chain = [
            state(1, Role::VicePresident, false),
            state(2, Role::GeneralManager, false),
        ];
        let any = |_: Role| true;
        assert_eq!(
            steps_to_decide(&chain, 1, &[Role::VicePresident], any).unwrap(),
            vec![0]
        );
        assert_eq!(
            status_of(steps_to_decide(&chain, 1, &[Role::GeneralManager], any)),
            409,
            "not its turn"
        );
        assert_eq!(status_of(steps_to_decide(&chain, 1, &[Role::Sales], any)), 403);
        let after = [
            state(1, Role::VicePresident, true),
            state(2, Role::GeneralManager, false),
        ];
        assert_eq!(
            status_of(steps_to_decide(&after, 2, &[Role::VicePresident], any)),
            409,
            "twice"
        );
        assert_eq!(
            steps_to_decide(&after, 2, &[Role::GeneralManager], any).unwrap(),
            vec![1]
        );
        let both = [Role::VicePresident, Role::GeneralManager];
        assert_eq!(
            steps_to_decide(&chain, 1, &both, any).unwrap(),
            vec![0],
            "one step at a time"
        );
    }

    #[test]
    fn a_sales_manager_out_of_scope_is_refused() {
        let steps = [state(1, Role::SalesManager, false)];
        assert_eq!(
            status_of(steps_to_decide(&steps, 1, &[Role::SalesManager], |r| r != Role::SalesManager)),
            403
        );
        let (me, dept, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert!(in_sales_manager_scope(me, None, &[other, me], None), "in the chain");
        assert!(
            in_sales_manager_scope(me, Some(dept), &[], Some(dept)),
            "same department"
        );
        assert!(!in_sales_manager_scope(me, Some(dept), &[other], Some(other)));
        assert!(
            !in_sales_manager_scope(me, None, &[], None),
            "no department is no match"
        );
    }

    #[test]
    fn what_follows_a_decision() {
        let parallel = [
            state(1, Role::VicePresident, true),
            state(1, Role::GeneralManager, false),
            state(3, Role::GeneralManager, false),
        ];
        assert_eq!(next_after(&parallel, 1, true), Next::Stay);
        assert_eq!(next_after(&parallel, 1, false), Next::Rejected);
        let done_first = [
            state(1, Role::VicePresident, true),
            state(3, Role::GeneralManager, false),
        ];
        assert_eq!(
            next_after(&done_first, 1, true),
            Next::Advance(3),
            "gaps in step numbers are fine"
        );
        let all = [
            state(1, Role::VicePresident, true),
            state(3, Role::GeneralManager, true),
        ];
        assert_eq!(next_after(&all, 3, true), Next::Approved);
    }
}
