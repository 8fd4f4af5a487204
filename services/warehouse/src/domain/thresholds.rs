//! Min/max stock alerts: an event when an item's total stock moves into another band.

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    BelowMin,
    Within,
    AboveMax,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::BelowMin => "below_min",
            Band::Within => "within",
            Band::AboveMax => "above_max",
        }
    }
}

pub fn band(total: Decimal, min: Option<Decimal>, max: Option<Decimal>) -> Band {
    match (min, max) {
        (Some(min), _) if total < min => Band::BelowMin,
        (_, Some(max)) if total > max => Band::AboveMax,
        _ => Band::Within,
    }
}

/// The new band when a change from `before` to `after` crosses into it.
pub fn crossing(before: Decimal, after: Decimal, min: Option<Decimal>, max: Option<Decimal>) -> Option<Band> {
    let (b, a) = (band(before, min, max), band(after, min, max));
    (b != a).then_some(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn crossings() {
        let (min, max) = (Some(dec!(10)), Some(dec!(100)));
        assert_eq!(crossing(dec!(12), dec!(9), min, max), Some(Band::BelowMin));
        assert_eq!(crossing(dec!(9), dec!(8), min, max), None, "still below: no new alert");
        assert_eq!(crossing(dec!(8), dec!(10), min, max), Some(Band::Within));
        assert_eq!(crossing(dec!(90), dec!(101), min, max), Some(Band::AboveMax));
        assert_eq!(crossing(dec!(5), dec!(0), None, None), None);
    }
}
