//! What makes a journal entry acceptable: every line is a debit or a credit (the other side
//! zero), at its currency's scale, and the debits equal the credits in every currency.

use erp_money::Currency;
use erp_problem::FieldError;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A line as the balance check sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryLine {
    pub debit: Decimal,
    pub credit: Decimal,
    pub currency: String,
}

/// The largest amount a line may carry.
pub fn max_amount() -> Decimal {
    Decimal::from(10_000_000_000_000_000i64)
}

/// Field errors of the lines (`lines[i].debit`, …) and, when the lines are fine but do not
/// balance, one error on `lines` naming `entry` and the currency.
pub fn check(entry: &str, lines: &[EntryLine]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if lines.len() < 2 {
        errors.push(FieldError::new(
            "lines",
            format!("entry {entry} needs at least two lines"),
        ));
    }
    let mut totals: BTreeMap<Currency, (Decimal, Decimal)> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        let currency = match Currency::parse(&l.currency) {
            Ok(c) => c,
            Err(e) => {
                errors.push(FieldError::new(format!("lines[{i}].currency"), e.to_string()));
                continue;
            }
        };
        let mut line_ok = true;
        for (field, amount) in [("debit", l.debit), ("credit", l.credit)] {
            if amount < Decimal::ZERO {
                errors.push(FieldError::new(format!("lines[{i}].{field}"), "must not be negative"));
                line_ok = false;
            } else if amount.normalize().scale() > currency.scale() {
                errors.push(FieldError::new(
                    format!("lines[{i}].{field}"),
                    format!("must have at most {} decimal places in {}", currency.scale(), currency),
                ));
                line_ok = false;
            } else if amount >= max_amount() {
                errors.push(FieldError::new(format!("lines[{i}].{field}"), "is too large"));
                line_ok = false;
            }
        }
        if line_ok && (l.debit.is_zero() == l.credit.is_zero()) {
            errors.push(FieldError::new(
                format!("lines[{i}]"),
                "exactly one of debit and credit must be greater than zero, the other zero",
            ));
            line_ok = false;
        }
        if line_ok {
            let t = totals.entry(currency).or_default();
            t.0 += erp_money::round(l.debit, currency);
            t.1 += erp_money::round(l.credit, currency);
        }
    }
    if errors.is_empty() {
        for (currency, (debit, credit)) in totals {
            if debit != credit {
                errors.push(FieldError::new(
                    "lines",
                    format!("entry {entry} does not balance in {currency}: debits {debit}, credits {credit}"),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn l(debit: Decimal, credit: Decimal, currency: &str) -> EntryLine {
        EntryLine {
            debit,
            credit,
            currency: currency.into(),
        }
    }

    #[test]
    fn balanced_entries_pass() {
        assert!(check("x", &[l(dec!(100), dec!(0), "VND"), l(dec!(0), dec!(100), "VND")]).is_empty());
        let mixed = [
            l(dec!(10.50), dec!(0), "CNY"),
            l(dec!(0), dec!(10.5), "CNY"),
            l(dec!(7), dec!(0), "VND"),
            l(dec!(0), dec!(7), "VND"),
        ];
        assert!(check("x", &mixed).is_empty());
    }

    #[test]
    fn unbalanced_is_named() {
        let e = check("JE-1", &[l(dec!(100), dec!(0), "VND"), l(dec!(0), dec!(90), "VND")]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "lines");
        assert!(e[0].message.contains("JE-1") && e[0].message.contains("VND"));
        // Balanced in total but not per currency.
        let e = check("y", &[l(dec!(100), dec!(0), "VND"), l(dec!(0), dec!(100), "CNY")]);
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn line_rules() {
        let e = check(
            "z",
            &[
                l(dec!(1), dec!(1), "VND"),
                l(dec!(0), dec!(0), "VND"),
                l(dec!(1.5), dec!(0), "VND"),
                l(dec!(-1), dec!(0), "CNY"),
                l(dec!(1), dec!(0), "XYZ"),
            ],
        );
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "lines[0]",
                "lines[1]",
                "lines[2].debit",
                "lines[3].debit",
                "lines[4].currency"
            ]
        );
        assert_eq!(check("one", &[l(dec!(1), dec!(0), "VND")])[0].field, "lines");
    }
}
