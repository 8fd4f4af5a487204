//! Amounts in words for invoices and receipts, in the language that goes with the currency:
//! CNY in Chinese financial upper case (人民币大写), VND in Vietnamese, USD and EUR in English.

mod en;
mod vi;
mod zh;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::Currency;

/// The largest amount [`to_words`] accepts: 999,999,999,999,999.99 (just under 10¹⁵, i.e.
/// "999 nghìn tỷ …", "玖佰玖拾玖万…亿…", "nine hundred ninety-nine trillion …"). For VND, whose
/// amounts have no decimals, the largest is 999,999,999,999,999.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0x5D89_FFFF, 0x0163_4578, 0, false, 2);

/// Why an amount cannot be written in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    #[error("amount {amount} is negative; only amounts of 0 or more can be written in words")]
    Negative { amount: Decimal },
    #[error("amount {amount} is larger than the largest amount that can be written in words, {max}")]
    TooLarge { amount: Decimal, max: Decimal },
    #[error("amount {amount} has more decimals than {currency} allows ({scale}); round it first")]
    TooManyDecimals {
        amount: Decimal,
        currency: Currency,
        scale: u32,
    },
}

/// Writes `amount` in words in the currency's language, first letter upper case:
///
/// - CNY: `1005000.50` → `壹佰万伍仟元伍角`, `100` → `壹佰元整`, `0.05` → `伍分`
/// - VND: `21` → `Hai mươi mốt đồng`, `1005000` → `Một triệu không trăm lẻ năm nghìn đồng`
/// - USD: `1005.50` → `One thousand five dollars and fifty cents`; EUR uses euros and cents.
///
/// ```
/// use erp_money::{Currency, to_words};
/// use rust_decimal_macros::dec;
///
/// assert_eq!(to_words(dec!(10.30), Currency::Cny).unwrap(), "壹拾元叁角");
/// assert_eq!(to_words(dec!(21), Currency::Vnd).unwrap(), "Hai mươi mốt đồng");
/// assert_eq!(to_words(dec!(0.01), Currency::Eur).unwrap(), "One cent");
/// assert!(to_words(dec!(1.5), Currency::Vnd).is_err());
/// ```
///
/// Errors: negative amounts, amounts above [`MAX_AMOUNT`], and amounts with non-zero digits
/// beyond the currency's scale (any fraction for VND; trailing zeros such as `5.000` are fine).
pub fn to_words(amount: Decimal, currency: Currency) -> Result<String, WordsError> {
    if amount < Decimal::ZERO {
        return Err(WordsError::Negative { amount });
    }
    if amount > MAX_AMOUNT {
        return Err(WordsError::TooLarge {
            amount,
            max: MAX_AMOUNT,
        });
    }
    let scale = currency.scale();
    let too_many_decimals = WordsError::TooManyDecimals {
        amount,
        currency,
        scale,
    };
    if amount.normalize().scale() > scale {
        return Err(too_many_decimals);
    }
    // Both parts fit in u64: the integer part is below 10^15 and the fraction below 10^scale.
    let (Some(major), Some(minor)) = (
        amount.trunc().to_u64(),
        (amount.fract() * Decimal::from(10_u64.pow(scale))).to_u64(),
    ) else {
        return Err(too_many_decimals);
    };
    let words = match currency {
        Currency::Cny => zh::amount(major, minor),
        Currency::Vnd => vi::amount(major),
        Currency::Usd => en::amount(major, minor, en::DOLLAR),
        Currency::Eur => en::amount(major, minor, en::EURO),
    };
    Ok(capitalize_first(&words))
}

fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Numbers of up to `max_digits` digits, half of them zeros, so that zero runs inside a number,
/// round numbers and small numbers come up often (uniform ranges give mostly huge numbers).
#[cfg(test)]
pub(crate) fn zero_rich(max_digits: usize) -> impl proptest::strategy::Strategy<Value = u64> {
    use proptest::prelude::*;
    prop::collection::vec(prop_oneof![Just(0_u64), 1..=9_u64], 1..=max_digits)
        .prop_map(|digits| digits.into_iter().fold(0, |n, d| n * 10 + d))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn max_amount_constant() {
        assert_eq!(MAX_AMOUNT, dec!(999_999_999_999_999.99));
        assert_eq!(MAX_AMOUNT.to_string(), "999999999999999.99");
    }

    #[test]
    fn refuses_negative_amounts() {
        for c in Currency::ALL {
            let err = to_words(dec!(-1), c).unwrap_err();
            assert_eq!(err, WordsError::Negative { amount: dec!(-1) });
            assert!(to_words(dec!(-0.01), c).is_err());
        }
        assert_eq!(
            to_words(dec!(-5), Currency::Usd).unwrap_err().to_string(),
            "amount -5 is negative; only amounts of 0 or more can be written in words"
        );
    }

    #[test]
    fn negative_zero_is_zero() {
        let minus_zero = Decimal::from_parts(0, 0, 0, true, 2);
        assert_eq!(to_words(minus_zero, Currency::Usd).unwrap(), "Zero dollars");
    }

    #[test]
    fn refuses_amounts_over_the_max() {
        for c in Currency::ALL {
            let over = MAX_AMOUNT + Decimal::new(1, c.scale());
            let err = to_words(over, c).unwrap_err();
            assert!(matches!(err, WordsError::TooLarge { .. }), "{c}: {err}");
            assert!(to_words(dec!(1_000_000_000_000_000), c).is_err());
            assert!(to_words(Decimal::MAX, c).is_err());
        }
        assert_eq!(
            to_words(dec!(1000000000000000), Currency::Cny).unwrap_err().to_string(),
            "amount 1000000000000000 is larger than the largest amount that can be written in words, \
             999999999999999.99"
        );
    }

    #[test]
    fn refuses_more_decimals_than_the_currency_has() {
        assert_eq!(
            to_words(dec!(1.5), Currency::Vnd).unwrap_err().to_string(),
            "amount 1.5 has more decimals than VND allows (0); round it first"
        );
        assert!(to_words(dec!(0.001), Currency::Usd).is_err());
        assert!(to_words(dec!(10.005), Currency::Cny).is_err());
        // Trailing zeros are not decimals.
        assert_eq!(to_words(dec!(5.000), Currency::Vnd).unwrap(), "Năm đồng");
        assert_eq!(
            to_words(dec!(5.5000), Currency::Eur).unwrap(),
            "Five euros and fifty cents"
        );
    }

    fn amount_at_scale(currency: Currency) -> impl Strategy<Value = Decimal> {
        let scale = currency.scale();
        let max_units = (MAX_AMOUNT * Decimal::from(10_u64.pow(scale)))
            .trunc()
            .to_i64()
            .unwrap();
        let max_digits = if scale == 0 { 15 } else { 17 };
        prop_oneof![0..=max_units, zero_rich(max_digits).prop_map(|n| n as i64)]
            .prop_map(move |units| Decimal::new(units, scale))
    }

    fn currency_and_amount() -> impl Strategy<Value = (Currency, Decimal)> {
        prop::sample::select(Currency::ALL.to_vec()).prop_flat_map(|c| (Just(c), amount_at_scale(c)))
    }

    proptest! {
        #[test]
        fn never_panics_and_always_writes_something((currency, amount) in currency_and_amount()) {
            let words = to_words(amount, currency).unwrap();
            prop_assert!(!words.is_empty());
            prop_assert!(!words.contains("  "));
            prop_assert_eq!(words.trim(), words.as_str());
        }

        #[test]
        fn anything_at_all_never_panics(lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
                                        negative in any::<bool>(), scale in 0..=28_u32) {
            for c in Currency::ALL {
                let _ = to_words(Decimal::from_parts(lo, mid, hi, negative, scale), c);
            }
        }
    }
}
