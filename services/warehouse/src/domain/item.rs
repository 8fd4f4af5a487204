//! The item master's rules.

use erp_problem::Validator;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Product,
    Material,
    Part,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Product => "product",
            ItemKind::Material => "material",
            ItemKind::Part => "part",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "product" => Some(ItemKind::Product),
            "material" => Some(ItemKind::Material),
            "part" => Some(ItemKind::Part),
            _ => None,
        }
    }
}

/// Codes (SKU, warehouse code): letters, digits and `-_./`, up to 64.
pub fn check_code(v: &mut Validator, field: &str, code: &str) {
    let ok = !code.is_empty()
        && code.chars().count() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    v.check(
        ok,
        field,
        "must be 1-64 characters: letters, digits, '-', '_', '.' or '/'",
    );
}

pub fn check_limits(v: &mut Validator, min: Option<Decimal>, max: Option<Decimal>, cost: Decimal) {
    if let Some(m) = min {
        super::quantity::check_non_negative(v, "min_stock", m);
    }
    if let Some(m) = max {
        super::quantity::check_non_negative(v, "max_stock", m);
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        v.add("max_stock", "must not be below min_stock");
    }
    super::quantity::check_non_negative(v, "standard_cost", cost);
}

/// What search matches: SKU, name and specification, folded.
pub fn search_text(sku: &str, name: &str, specification: Option<&str>) -> String {
    erp_db::fold_search(&format!("{sku} {name} {}", specification.unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn skus() {
        let mut v = Validator::new();
        check_code(&mut v, "sku", "PIPE-DN50/2m");
        assert!(v.is_empty());
        check_code(&mut v, "sku", "ống thép");
        assert!(!v.is_empty());
    }

    #[test]
    fn limits() {
        let mut v = Validator::new();
        check_limits(&mut v, Some(dec!(5)), Some(dec!(1)), dec!(0));
        assert!(!v.is_empty());
        let mut v = Validator::new();
        check_limits(&mut v, Some(dec!(1)), Some(dec!(5)), dec!(12.5));
        assert!(v.is_empty());
    }

    #[test]
    fn search_text_is_folded() {
        assert_eq!(
            search_text("P-1", "Ống thép", Some("DN50 钢管")),
            "p-1 ong thep dn50 钢管"
        );
    }
}
