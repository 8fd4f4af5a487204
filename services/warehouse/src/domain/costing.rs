//! Moving-average cost: receipts blend their cost into the average; issues leave at it.

use super::quantity::SCALE;
use rust_decimal::{Decimal, RoundingStrategy};

/// The currency stock is valued in: costs carry none, they are in the company's book currency
/// (VND unless finance is set up otherwise); the approval matrix's facts name it.
pub const VALUATION_CURRENCY: &str = "VND";

/// The average after receiving `qty` at `cost` into `on_hand` valued at `avg`.
pub fn average_after_receipt(on_hand: Decimal, avg: Decimal, qty: Decimal, cost: Decimal) -> Decimal {
    let total = on_hand + qty;
    if total <= Decimal::ZERO {
        return cost.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero);
    }
    ((on_hand * avg + qty * cost) / total).round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn blends_costs() {
        assert_eq!(average_after_receipt(dec!(0), dec!(0), dec!(10), dec!(5)), dec!(5));
        assert_eq!(average_after_receipt(dec!(10), dec!(5), dec!(10), dec!(7)), dec!(6));
        assert_eq!(average_after_receipt(dec!(3), dec!(1), dec!(0), dec!(9)), dec!(1));
        // 1/3 rounds half-up at four places.
        assert_eq!(average_after_receipt(dec!(2), dec!(0), dec!(1), dec!(1)), dec!(0.3333));
    }

    proptest::proptest! {
        /// The blended cost always lies between the old average and the new cost (give or take
        /// the last rounded place), and the stock's value is kept to within that rounding.
        #[test]
        fn average_stays_between_its_inputs(
            on_hand in 0i64..1_000_000, avg in 0i64..10_000_000, qty in 1i64..1_000_000, cost in 0i64..10_000_000
        ) {
            let (on_hand, qty) = (Decimal::new(on_hand, 2), Decimal::new(qty, 2));
            let (avg, cost) = (Decimal::new(avg, 4), Decimal::new(cost, 4));
            let new = average_after_receipt(on_hand, avg, qty, cost);
            let tick = Decimal::new(1, 4);
            proptest::prop_assert!(new >= avg.min(cost) - tick && new <= avg.max(cost) + tick);
            let value_before = on_hand * avg + qty * cost;
            let value_after = (on_hand + qty) * new;
            proptest::prop_assert!((value_after - value_before).abs() <= (on_hand + qty) * tick);
        }
    }
}
