//! Pricing a quotation or order: line totals by the money rules (half-up per line at the
//! currency's scale, then summed), and the facts the authority matrix looks at (a line below
//! the floor price, the gross margin).

use chrono::NaiveDate;
use erp_money::{Currency, DocumentTotals, LineInput, LineTotals};
use erp_problem::{AppError, FieldError};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A line as the salesperson entered it, with what the catalogue and price list know.
#[derive(Debug, Clone)]
pub struct PricedLine {
    pub input: LineInput,
    pub floor_price: Option<Decimal>,
    /// Standard cost per unit, for the margin.
    pub unit_cost: Option<Decimal>,
}

/// A priced line ready to be stored on a quotation or an order.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub item_id: Uuid,
    pub description: String,
    pub unit: String,
    pub input: LineInput,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub floor_price: Option<Decimal>,
    pub unit_cost: Option<Decimal>,
    pub delivery_date: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Priced {
    pub lines: Vec<LineTotals>,
    pub totals: DocumentTotals,
    /// Any line whose price after discount is below its floor price.
    pub below_floor: bool,
    pub margin_pct: Option<Decimal>,
}

/// Validates and prices every line; field errors name `lines[i].<field>`.
pub fn price(lines: &[PricedLine], currency: Currency) -> Result<Priced, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
    }
    for (i, l) in lines.iter().enumerate() {
        for (field, message) in erp_money::validate_line(&l.input) {
            errors.push(FieldError::new(format!("lines[{i}].{field}"), message));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let inputs: Vec<LineInput> = lines.iter().map(|l| l.input.clone()).collect();
    let (computed, totals) =
        erp_money::document_totals(&inputs, currency).map_err(|e| AppError::validation("lines", e.to_string()))?;
    let below_floor = lines.iter().any(|l| {
        let net_unit = l.input.unit_price * (Decimal::ONE_HUNDRED - l.input.discount_pct) / Decimal::ONE_HUNDRED;
        l.floor_price.is_some_and(|floor| net_unit < floor)
    });
    let cost: Option<Decimal> = lines
        .iter()
        .map(|l| l.unit_cost.map(|c| c * l.input.quantity))
        .sum::<Option<Decimal>>();
    let margin_pct = cost.and_then(|c| erp_money::margin_pct(totals.net, c));
    Ok(Priced {
        lines: computed,
        totals,
        below_floor,
        margin_pct,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(qty: Decimal, price: Decimal, discount: Decimal, floor: Option<Decimal>) -> PricedLine {
        PricedLine {
            input: LineInput {
                quantity: qty,
                unit_price: price,
                discount_pct: discount,
                tax_rate_pct: dec!(10),
            },
            floor_price: floor,
            unit_cost: Some(dec!(50)),
        }
    }

    #[test]
    fn totals_and_floor() {
        let p = price(&[line(dec!(3), dec!(100), dec!(0), Some(dec!(90)))], Currency::Cny).unwrap();
        assert_eq!(p.totals.net, dec!(300.00));
        assert_eq!(p.totals.tax, dec!(30.00));
        assert!(!p.below_floor);
        assert_eq!(p.margin_pct, Some(dec!(50.00)));
        let p = price(&[line(dec!(1), dec!(100), dec!(15), Some(dec!(90)))], Currency::Cny).unwrap();
        assert!(p.below_floor, "85 after discount is below 90");
    }

    #[test]
    fn vnd_has_no_decimals() {
        let p = price(&[line(dec!(3), dec!(33333.33), dec!(0), None)], Currency::Vnd).unwrap();
        assert_eq!(p.totals.net, dec!(100000));
    }

    #[test]
    fn bad_lines_name_their_fields() {
        match price(&[line(dec!(0), dec!(-1), dec!(0), None)], Currency::Usd) {
            Err(AppError::Validation(errs)) => {
                assert!(errs.iter().any(|e| e.field == "lines[0].quantity"));
                assert!(errs.iter().any(|e| e.field == "lines[0].unit_price"));
            }
            other => panic!("{other:?}"),
        }
        assert!(price(&[], Currency::Usd).is_err());
    }
}
