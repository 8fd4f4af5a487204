//! Moving-average cost: receipts blend their cost into the average; issues leave at it.

use super::quantity::SCALE;
use rust_decimal::{Decimal, RoundingStrategy};

/// The average after receiving `qty` at `cost` into `on_hand` valued at `avg`.
pub fn average_after_receipt(
    on_hand: Decimal,
    avg: Decimal,
    qty: Decimal,
    cost: Decimal,
) -> Decimal {
    let total = on_hand + qty;
    if total <= Decimal::ZERO {
        return cost.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero);
    }
    ((on_hand * avg + qty * cost) / total)
        .round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn blends_costs() {
        assert_eq!(
            average_after_receipt(dec!(0), dec!(0), dec!(10), dec!(5)),
            dec!(5)
        );
        assert_eq!(
            average_after_receipt(dec!(10), dec!(5), dec!(10), dec!(7)),
            dec!(6)
        );
        assert_eq!(
            average_after_receipt(dec!(3), dec!(1), dec!(0), dec!(9)),
            dec!(1)
        );
        // 1/3 rounds half-up at four places.
        assert_eq!(
            average_after_receipt(dec!(2), dec!(0), dec!(1), dec!(1)),
            dec!(0.3333)
        );
    }
}
