//! Customer rules: grades, payment terms (credit terms need the general manager's approval on
//! an order), and field validation.

use erp_problem::Validator;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    Company,
    Person,
}

impl CustomerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Company => "company",
            CustomerKind::Person => "person",
        }
    }
}

/// Seed 003: A (key account) to D (occasional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];

    /// A client's filter value (either case); another is a 422 on `field`.
    pub fn parse_field(field: &str, s: &str) -> Result<Self, erp_problem::AppError> {
        let s = s.trim().to_uppercase();
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| erp_problem::AppError::validation(field, "must be one of A, B, C, D"))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentTerms {
    Prepayment,
    CashOnDelivery,
    /// Payment `payment_days` after delivery.
    NetDays,
    MonthlySettlement,
}

impl PaymentTerms {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentTerms::Prepayment => "prepayment",
            PaymentTerms::CashOnDelivery => "cash_on_delivery",
            PaymentTerms::NetDays => "net_days",
            PaymentTerms::MonthlySettlement => "monthly_settlement",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "prepayment" => Some(Self::Prepayment),
            "cash_on_delivery" => Some(Self::CashOnDelivery),
            "net_days" => Some(Self::NetDays),
            "monthly_settlement" => Some(Self::MonthlySettlement),
            _ => None,
        }
    }

    /// Payment after delivery or monthly: credit the company extends (seed 003 §4).
    pub fn is_credit(self) -> bool {
        matches!(self, PaymentTerms::NetDays | PaymentTerms::MonthlySettlement)
    }
}

pub fn check_code(v: &mut Validator, field: &str, code: &str) {
    let ok = !code.is_empty()
        && code.chars().count() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    v.check(ok, field, "must be 1-32 characters: letters, digits, '-', '_' or '.'");
}

pub fn check_email(v: &mut Validator, field: &str, email: Option<&str>) {
    if let Some(e) = email {
        let ok = e.chars().count() <= 254
            && !e.contains(char::is_whitespace)
            && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
        v.check(ok, field, "must be an e-mail address");
    }
}

pub fn check_credit(v: &mut Validator, limit: Decimal, terms: PaymentTerms, days: i32) {
    v.check(limit >= Decimal::ZERO, "credit_limit", "must not be negative");
    v.check(
        limit.normalize().scale() <= 2,
        "credit_limit",
        "must have at most 2 decimal places",
    );
    v.check((0..=365).contains(&days), "payment_days", "must be between 0 and 365");
    v.check(
        terms != PaymentTerms::NetDays || days > 0,
        "payment_days",
        "net_days terms need the number of days",
    );
}

/// Name, code, tax number and phone folded for search.
pub fn search_text(code: &str, name: &str, tax_number: Option<&str>, phone: Option<&str>) -> String {
    erp_db::fold_search(&format!(
        "{code} {name} {} {}",
        tax_number.unwrap_or(""),
        phone.unwrap_or("")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn credit_terms() {
        assert!(PaymentTerms::NetDays.is_credit());
        assert!(PaymentTerms::MonthlySettlement.is_credit());
        assert!(!PaymentTerms::Prepayment.is_credit());
        let mut v = Validator::new();
        check_credit(&mut v, dec!(1000.50), PaymentTerms::NetDays, 0);
        assert!(!v.is_empty(), "net days need days");
    }

    #[test]
    fn search_folds() {
        assert_eq!(
            search_text("KH01", "Công ty Đại Phát", None, Some("0903")),
            "kh01 cong ty dai phat  0903"
        );
    }
}
