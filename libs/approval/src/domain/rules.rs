//! The authority matrix's rules: conditions, their validation and how a client's rule is parsed.

use chrono::{DateTime, Utc};
use erp_auth::Role;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
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

pub(super) fn check_document_type(v: &mut Validator, document_type: &str) {
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

pub(super) fn check_values(
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
