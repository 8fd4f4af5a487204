//! Half-up rounding (away from zero at .5), the domain's rule for money.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::Currency;

/// Rounds half-up (away from zero at .5) to `dp` decimal places and pads to exactly `dp`
/// places, so `42` with `dp = 2` becomes `42.00`.
pub fn round_dp_half_up(amount: Decimal, dp: u32) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(dp);
    rounded
}

/// Rounds half-up at the currency's scale and pads to it: `42` → `42.00` for CNY,
/// `1.005` → `1.01`, `-1.005` → `-1.01`, `12345.5` → `12346` for VND.
pub fn round(amount: Decimal, currency: Currency) -> Decimal {
    round_dp_half_up(amount, currency.scale())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_up_away_from_zero() {
        assert_eq!(round(dec!(1.005), Currency::Usd).to_string(), "1.01");
        assert_eq!(round(dec!(1.004), Currency::Usd).to_string(), "1.00");
        assert_eq!(round(dec!(-1.005), Currency::Usd).to_string(), "-1.01");
        assert_eq!(round(dec!(2.5), Currency::Vnd).to_string(), "3");
        assert_eq!(round(dec!(12345.49), Currency::Vnd).to_string(), "12345");
        assert_eq!(round(dec!(-2.5), Currency::Vnd).to_string(), "-3");
    }

    #[test]
    fn pads_to_the_currency_scale() {
        assert_eq!(round(dec!(42), Currency::Cny).to_string(), "42.00");
        assert_eq!(round(dec!(42.5), Currency::Eur).to_string(), "42.50");
        assert_eq!(round(dec!(42.000), Currency::Vnd).to_string(), "42");
        assert_eq!(round(dec!(42), Currency::Cny).scale(), 2);
        assert_eq!(round_dp_half_up(dec!(7), 4).to_string(), "7.0000");
    }
}
