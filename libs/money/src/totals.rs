//! Line and document totals, their input validation, and margins.
//!
//! Per line, each amount is rounded half-up at the currency's scale before the next one is
//! computed from it, so the printed figures always add up:
//!
//! - `gross = round(quantity × unit_price)`
//! - `discount = round(gross × discount_pct / 100)`
//! - `net = gross − discount`
//! - `tax = round(net × tax_rate_pct / 100)` (tax on the rounded net)
//! - `total = net + tax`
//!
//! Document totals are the sums of the rounded lines, never recomputed from unrounded values.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Currency, MAX_AMOUNT, round, round_dp_half_up};

/// At most this many decimal places are accepted on a line's quantity and unit price.
pub const MAX_LINE_DECIMALS: u32 = 4;

/// One document line as entered: quantity (a decimal, units like kg or m), price per unit, and
/// discount and tax rate in percent (`10` means 10 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LineInput {
    #[schema(value_type = String, example = "2.5")]
    pub quantity: Decimal,
    #[schema(value_type = String, example = "120000")]
    pub unit_price: Decimal,
    /// Discount in percent, 0–100.
    #[schema(value_type = String, example = "5")]
    pub discount_pct: Decimal,
    /// Tax (VAT) rate in percent, 0–100.
    #[schema(value_type = String, example = "10")]
    pub tax_rate_pct: Decimal,
}

/// The amounts of one line, each rounded to the currency's scale; `gross − discount = net` and
/// `net + tax = total` hold exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LineTotals {
    #[schema(value_type = String)]
    pub gross: Decimal,
    #[schema(value_type = String)]
    pub discount: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
}

/// Sums of the rounded lines of a document; `net + tax = total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentTotals {
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
}

/// The arithmetic left the range of `Decimal` (about 7.9 × 10²⁸). Inputs that pass
/// [`validate_line`] stay far below it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    #[error("amount out of range: the computation overflowed")]
    Overflow,
}

fn checked(value: Option<Decimal>) -> Result<Decimal, TotalsError> {
    value.ok_or(TotalsError::Overflow)
}

/// Computes one line's totals at the currency's scale (see the module docs for the formula).
/// Does not validate; call [`validate_line`] first.
pub fn line_totals(line: &LineInput, currency: Currency) -> Result<LineTotals, TotalsError> {
    let gross = round(checked(line.quantity.checked_mul(line.unit_price))?, currency);
    let discount = round(percent_of(gross, line.discount_pct)?, currency);
    let net = round(checked(gross.checked_sub(discount))?, currency);
    let tax = round(percent_of(net, line.tax_rate_pct)?, currency);
    let total = round(checked(net.checked_add(tax))?, currency);
    Ok(LineTotals {
        gross,
        discount,
        net,
        tax,
        total,
    })
}

fn percent_of(amount: Decimal, pct: Decimal) -> Result<Decimal, TotalsError> {
    checked(
        amount
            .checked_mul(pct)
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED)),
    )
}

/// Sums already computed line totals into document totals at the currency's scale
/// (an empty document gives zeros, e.g. `0.00` for CNY).
pub fn sum_lines(lines: &[LineTotals], currency: Currency) -> Result<DocumentTotals, TotalsError> {
    let zero = round(Decimal::ZERO, currency);
    let (mut net, mut tax) = (zero, zero);
    for line in lines {
        net = checked(net.checked_add(line.net))?;
        tax = checked(tax.checked_add(line.tax))?;
    }
    let total = checked(net.checked_add(tax))?;
    Ok(DocumentTotals {
        net: round(net, currency),
        tax: round(tax, currency),
        total: round(total, currency),
    })
}

/// Computes every line and the document totals (the sums of the rounded lines).
pub fn document_totals(
    lines: &[LineInput],
    currency: Currency,
) -> Result<(Vec<LineTotals>, DocumentTotals), TotalsError> {
    let computed = lines
        .iter()
        .map(|line| line_totals(line, currency))
        .collect::<Result<Vec<_>, _>>()?;
    let totals = sum_lines(&computed, currency)?;
    Ok((computed, totals))
}

/// Checks one line and returns every problem as `(field, message)`; empty when valid.
/// Fields are named as in JSON: `quantity`, `unit_price`, `discount_pct`, `tax_rate_pct`.
///
/// Rules: quantity > 0; unit price ≥ 0; both at most [`MAX_LINE_DECIMALS`] decimal places
/// (trailing zeros do not count) and at most [`MAX_AMOUNT`]; discount and tax rate 0–100.
pub fn validate_line(line: &LineInput) -> Vec<(String, String)> {
    validate_line_with_prefix("", line)
}

/// Checks every line, naming fields `lines[0].quantity`, `lines[1].unit_price`, …
pub fn validate_lines(lines: &[LineInput]) -> Vec<(String, String)> {
    lines
        .iter()
        .enumerate()
        .flat_map(|(i, line)| validate_line_with_prefix(&format!("lines[{i}]."), line))
        .collect()
}

fn validate_line_with_prefix(prefix: &str, line: &LineInput) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let mut add = |field: &str, message: String| errors.push((format!("{prefix}{field}"), message));

    if line.quantity <= Decimal::ZERO {
        add("quantity", "must be greater than 0".to_owned());
    } else if let Some(message) = magnitude_error(line.quantity) {
        add("quantity", message);
    }
    if line.unit_price < Decimal::ZERO {
        add("unit_price", "must not be negative".to_owned());
    } else if let Some(message) = magnitude_error(line.unit_price) {
        add("unit_price", message);
    }
    for (field, pct) in [("discount_pct", line.discount_pct), ("tax_rate_pct", line.tax_rate_pct)] {
        if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
            add(field, "must be between 0 and 100".to_owned());
        }
    }
    errors
}

fn magnitude_error(value: Decimal) -> Option<String> {
    if value.normalize().scale() > MAX_LINE_DECIMALS {
        Some(format!("must have at most {MAX_LINE_DECIMALS} decimal places"))
    } else if value > MAX_AMOUNT {
        Some(format!("must be at most {MAX_AMOUNT}"))
    } else {
        None
    }
}

/// Gross margin in percent of revenue, `(revenue_net − cost) / revenue_net × 100`, rounded
/// half-up to 2 places (`25.00`). `None` when revenue is 0 (or the arithmetic overflows).
pub fn margin_pct(revenue_net: Decimal, cost: Decimal) -> Option<Decimal> {
    if revenue_net.is_zero() {
        return None;
    }
    let margin = revenue_net
        .checked_sub(cost)?
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(revenue_net)?;
    Some(round_dp_half_up(margin, 2))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn line(quantity: Decimal, unit_price: Decimal, discount_pct: Decimal, tax_rate_pct: Decimal) -> LineInput {
        LineInput {
            quantity,
            unit_price,
            discount_pct,
            tax_rate_pct,
        }
    }

    #[test]
    fn simple_line_in_cny_is_padded() {
        let t = line_totals(&line(dec!(2), dec!(21), dec!(0), dec!(13)), Currency::Cny).unwrap();
        assert_eq!(t.gross.to_string(), "42.00");
        assert_eq!(t.discount.to_string(), "0.00");
        assert_eq!(t.net.to_string(), "42.00");
        assert_eq!(t.tax.to_string(), "5.46");
        assert_eq!(t.total.to_string(), "47.46");
    }

    #[test]
    fn line_rounds_each_step_half_up() {
        // gross 3 × 3.335 = 10.005 → 10.01; discount 10.01 × 5 % = 0.5005 → 0.50; net 9.51;
        // tax 9.51 × 10 % = 0.951 → 0.95; total 10.46.
        let t = line_totals(&line(dec!(3), dec!(3.335), dec!(5), dec!(10)), Currency::Usd).unwrap();
        assert_eq!(
            (t.gross, t.discount, t.net, t.tax, t.total),
            (dec!(10.01), dec!(0.50), dec!(9.51), dec!(0.95), dec!(10.46))
        );
    }

    #[test]
    fn tax_is_computed_on_the_rounded_net() {
        // net 0.125 × 1 → 0.13 (half-up); tax 0.13 × 50 % = 0.065 → 0.07.
        // On the unrounded net it would be 0.0625 → 0.06.
        let t = line_totals(&line(dec!(1), dec!(0.125), dec!(0), dec!(50)), Currency::Eur).unwrap();
        assert_eq!(t.net, dec!(0.13));
        assert_eq!(t.tax, dec!(0.07));
        assert_eq!(t.total, dec!(0.20));
    }

    #[test]
    fn vnd_line_has_no_decimals() {
        // 1.5 kg × 33,333 = 49,999.5 → 50,000; 8 % VAT = 4,000.
        let t = line_totals(&line(dec!(1.5), dec!(33333), dec!(0), dec!(8)), Currency::Vnd).unwrap();
        assert_eq!(t.gross.to_string(), "50000");
        assert_eq!(t.tax.to_string(), "4000");
        assert_eq!(t.total.to_string(), "54000");
        // 10 % discount of 12,345 = 1,234.5 → 1,235.
        let t = line_totals(&line(dec!(1), dec!(12345), dec!(10), dec!(0)), Currency::Vnd).unwrap();
        assert_eq!((t.discount, t.net), (dec!(1235), dec!(11110)));
    }

    #[test]
    fn document_totals_are_sums_of_rounded_lines() {
        // Each line: 0.005 → 0.01; three lines sum to 0.03, not round(0.015) = 0.02.
        let lines = vec![line(dec!(1), dec!(0.005), dec!(0), dec!(0)); 3];
        let (computed, totals) = document_totals(&lines, Currency::Usd).unwrap();
        assert_eq!(computed.len(), 3);
        assert_eq!(totals.net, dec!(0.03));
        assert_eq!(totals.total, dec!(0.03));
    }

    #[test]
    fn empty_document_is_zero_at_scale() {
        let totals = sum_lines(&[], Currency::Cny).unwrap();
        assert_eq!(totals.total.to_string(), "0.00");
        let totals = sum_lines(&[], Currency::Vnd).unwrap();
        assert_eq!(totals.total.to_string(), "0");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let huge = line(Decimal::MAX, Decimal::MAX, dec!(0), dec!(0));
        assert_eq!(line_totals(&huge, Currency::Usd), Err(TotalsError::Overflow));
        let big = line(Decimal::MAX, dec!(1), dec!(0), dec!(0));
        assert_eq!(
            document_totals(&[big.clone(), big], Currency::Vnd),
            Err(TotalsError::Overflow)
        );
    }

    #[test]
    fn valid_line_has_no_errors() {
        assert!(validate_line(&line(dec!(0.0001), dec!(0), dec!(0), dec!(0))).is_empty());
        assert!(validate_line(&line(dec!(2.50000), dec!(1.2345), dec!(100), dec!(100))).is_empty());
    }

    #[test]
    fn invalid_line_reports_every_field() {
        let errors = validate_line(&line(dec!(0), dec!(-1), dec!(-0.01), dec!(100.01)));
        assert_eq!(
            errors,
            vec![
                ("quantity".to_owned(), "must be greater than 0".to_owned()),
                ("unit_price".to_owned(), "must not be negative".to_owned()),
                ("discount_pct".to_owned(), "must be between 0 and 100".to_owned()),
                ("tax_rate_pct".to_owned(), "must be between 0 and 100".to_owned()),
            ]
        );
        let errors = validate_line(&line(dec!(-3), dec!(1), dec!(101), dec!(0)));
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn too_many_decimals_or_too_large() {
        let errors = validate_line(&line(dec!(1.00001), dec!(0.12345), dec!(0), dec!(0)));
        assert_eq!(
            errors,
            vec![
                ("quantity".to_owned(), "must have at most 4 decimal places".to_owned()),
                ("unit_price".to_owned(), "must have at most 4 decimal places".to_owned()),
            ]
        );
        let errors = validate_line(&line(dec!(1), dec!(1000000000000000), dec!(0), dec!(0)));
        assert_eq!(
            errors,
            vec![("unit_price".to_owned(), "must be at most 999999999999999.99".to_owned())]
        );
    }

    #[test]
    fn validate_lines_prefixes_fields() {
        let lines = [
            line(dec!(1), dec!(1), dec!(0), dec!(0)),
            line(dec!(0), dec!(1), dec!(0), dec!(0)),
        ];
        assert_eq!(
            validate_lines(&lines),
            vec![("lines[1].quantity".to_owned(), "must be greater than 0".to_owned())]
        );
    }

    #[test]
    fn margin() {
        assert_eq!(margin_pct(dec!(200), dec!(150)).unwrap().to_string(), "25.00");
        assert_eq!(margin_pct(dec!(3), dec!(1)), Some(dec!(66.67)));
        assert_eq!(margin_pct(dec!(3), dec!(2)), Some(dec!(33.33)));
        assert_eq!(margin_pct(dec!(100), dec!(120)), Some(dec!(-20.00)));
        assert_eq!(margin_pct(dec!(0), dec!(10)), None);
        assert_eq!(margin_pct(dec!(0.00), dec!(0)), None);
        // 1 / 8 = 12.5 % exactly; 1 / 1600 = 0.0625 % → 0.06; 1 / 800 = 0.125 % → 0.13 (half-up).
        assert_eq!(margin_pct(dec!(8), dec!(7)), Some(dec!(12.50)));
        assert_eq!(margin_pct(dec!(1600), dec!(1599)), Some(dec!(0.06)));
        assert_eq!(margin_pct(dec!(800), dec!(799)), Some(dec!(0.13)));
    }

    #[test]
    fn serde_carries_amounts_as_strings() {
        let t = line_totals(&line(dec!(1), dec!(42), dec!(0), dec!(0)), Currency::Cny).unwrap();
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["total"], "42.00");
        let input: LineInput = serde_json::from_value(serde_json::json!({
            "quantity": "2.5", "unit_price": "10", "discount_pct": "0", "tax_rate_pct": "10"
        }))
        .unwrap();
        assert_eq!(input.quantity, dec!(2.5));
    }

    fn decimal(max_units: i64, scale: u32) -> impl Strategy<Value = Decimal> {
        (0..=max_units).prop_map(move |units| Decimal::new(units, scale))
    }

    fn currency() -> impl Strategy<Value = Currency> {
        prop::sample::select(Currency::ALL.to_vec())
    }

    fn line_input() -> impl Strategy<Value = LineInput> {
        (
            (1..=1_000_000_000_000_i64, 0..=4_u32).prop_map(|(u, s)| Decimal::new(u, s)),
            (0..=4_u32).prop_flat_map(|s| decimal(1_000_000_000_000, s)),
            decimal(10_000, 2),
            decimal(10_000, 2),
        )
            .prop_map(|(quantity, unit_price, discount_pct, tax_rate_pct)| {
                line(quantity, unit_price, discount_pct, tax_rate_pct)
            })
    }

    proptest! {
        #[test]
        fn line_totals_add_up_at_the_currency_scale(input in line_input(), currency in currency()) {
            prop_assert!(validate_line(&input).is_empty());
            let t = line_totals(&input, currency).unwrap();
            prop_assert_eq!(t.net + t.tax, t.total);
            prop_assert_eq!(t.gross - t.discount, t.net);
            for v in [t.gross, t.discount, t.net, t.tax, t.total] {
                prop_assert_eq!(v.scale(), currency.scale());
                prop_assert!(v >= Decimal::ZERO);
            }
            prop_assert!(t.discount <= t.gross);
        }

        #[test]
        fn document_totals_add_up(lines in prop::collection::vec(line_input(), 0..8), currency in currency()) {
            let (computed, totals) = document_totals(&lines, currency).unwrap();
            prop_assert_eq!(totals.net + totals.tax, totals.total);
            prop_assert_eq!(totals.net, computed.iter().map(|l| l.net).sum::<Decimal>());
            prop_assert_eq!(totals.tax, computed.iter().map(|l| l.tax).sum::<Decimal>());
            for v in [totals.net, totals.tax, totals.total] {
                prop_assert_eq!(v.scale(), currency.scale());
            }
        }

        #[test]
        fn rounding_always_has_the_currency_scale(units in any::<i64>(), scale in 0..=10_u32, currency in currency()) {
            let amount = Decimal::new(units, scale);
            let rounded = round(amount, currency);
            prop_assert_eq!(rounded.scale(), currency.scale());
            let step = Decimal::new(5, currency.scale() + 1);
            prop_assert!((rounded - amount).abs() <= step);
        }
    }
}
