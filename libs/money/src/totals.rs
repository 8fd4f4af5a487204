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
mod tests;
