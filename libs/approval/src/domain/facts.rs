//! The facts a document is judged on and `evaluate`: which steps a submission needs.

use super::rules::*;
use erp_auth::Role;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

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
pub(super) fn reason(rule: &ApprovalRule, facts: &Facts) -> Option<String> {
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
