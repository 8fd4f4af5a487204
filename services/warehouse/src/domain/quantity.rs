//! Quantities and costs: decimals with at most four places (kg, m, pieces; costs per unit).

use erp_problem::Validator;
use rust_decimal::Decimal;

pub const SCALE: u32 = 4;

/// A quantity that must be positive and have at most four decimal places.
pub fn check_positive(v: &mut Validator, field: &str, q: Decimal) {
    if q <= Decimal::ZERO {
        v.add(field, "must be greater than zero");
    } else if q.normalize().scale() > SCALE {
        v.add(field, "must have at most 4 decimal places");
    }
}

/// A quantity or cost that may be zero but not negative.
pub fn check_non_negative(v: &mut Validator, field: &str, q: Decimal) {
    if q < Decimal::ZERO {
        v.add(field, "must not be negative");
    } else if q.normalize().scale() > SCALE {
        v.add(field, "must have at most 4 decimal places");
    }
}

/// A signed change (adjustments): not zero.
pub fn check_non_zero(v: &mut Validator, field: &str, q: Decimal) {
    if q.is_zero() {
        v.add(field, "must not be zero");
    } else if q.normalize().scale() > SCALE {
        v.add(field, "must have at most 4 decimal places");
    }
}

/// The JSON form: always four places, so "42" and "42.0000" never both appear.
pub fn scaled(q: Decimal) -> Decimal {
    let mut q = q;
    q.rescale(SCALE);
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn positive_quantities() {
        let mut v = Validator::new();
        check_positive(&mut v, "a", dec!(1.5));
        check_positive(&mut v, "b", dec!(0.0001));
        check_positive(&mut v, "c", dec!(2.50000));
        assert!(v.is_empty());
        check_positive(&mut v, "d", dec!(0));
        check_positive(&mut v, "e", dec!(-1));
        check_positive(&mut v, "f", dec!(0.00001));
        assert!(v.finish().is_err());
    }

    #[test]
    fn scaled_pads() {
        assert_eq!(scaled(dec!(42)).to_string(), "42.0000");
    }
}
