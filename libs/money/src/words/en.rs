//! English amounts in words, cheque style: "One thousand five dollars and fifty cents".
//!
//! Rules: short scale (thousand, million, billion, trillion); hyphenated tens ("twenty-one");
//! no "and" inside the number, only before the cents; the major unit is left out below one
//! ("Fifty cents") and the cents when there are none ("One hundred dollars"); singular for one
//! ("One dollar", "one cent").

/// Names of a currency's units: singular and plural, major and minor.
pub(super) struct Units {
    major: (&'static str, &'static str),
    minor: (&'static str, &'static str),
}

pub(super) const DOLLAR: Units = Units {
    major: ("dollar", "dollars"),
    minor: ("cent", "cents"),
};

pub(super) const EURO: Units = Units {
    major: ("euro", "euros"),
    minor: ("cent", "cents"),
};

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [(u64, &str); 4] = [
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

/// `major` below 10¹⁸, `minor` the cents (0..=99); lower case, the caller capitalizes.
pub(super) fn amount(major: u64, minor: u64, units: Units) -> String {
    let mut out = String::new();
    if major > 0 || minor == 0 {
        integer(major, &mut out);
        out.push(' ');
        out.push_str(if major == 1 { units.major.0 } else { units.major.1 });
    }
    if minor > 0 {
        if !out.is_empty() {
            out.push_str(" and ");
        }
        integer(minor, &mut out);
        out.push(' ');
        out.push_str(if minor == 1 { units.minor.0 } else { units.minor.1 });
    }
    out
}

fn word(table: &[&'static str], index: u64) -> &'static str {
    table.get(index as usize).copied().unwrap_or("")
}

fn integer(n: u64, out: &mut String) {
    if n == 0 {
        out.push_str(ONES[0]);
        return;
    }
    let mut rest = n;
    let mut words = Vec::new();
    for (scale, name) in SCALES {
        if rest >= scale {
            words.push(below_thousand(rest / scale % 1_000) + " " + name);
            rest %= scale;
        }
    }
    if rest > 0 {
        words.push(below_thousand(rest));
    }
    out.push_str(&words.join(" "));
}

/// Writes `0 < n < 1000`; for numbers from 10¹⁵ the caller's "trillion" group would exceed 999,
/// which [`crate::MAX_AMOUNT`] rules out.
fn below_thousand(n: u64) -> String {
    let (hundreds, rest) = (n / 100 % 10, n % 100);
    let mut parts = Vec::new();
    if hundreds > 0 {
        parts.push(format!("{} hundred", word(&ONES, hundreds)));
    }
    if rest >= 20 {
        let (tens, units) = (rest / 10, rest % 10);
        if units > 0 {
            parts.push(format!("{}-{}", word(&TENS, tens), word(&ONES, units)));
        } else {
            parts.push(word(&TENS, tens).to_owned());
        }
    } else if rest > 0 {
        parts.push(word(&ONES, rest).to_owned());
    }
    parts.join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::{Currency, MAX_AMOUNT, to_words};
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn usd(amount: Decimal) -> String {
        to_words(amount, Currency::Usd).unwrap()
    }

    fn eur(amount: Decimal) -> String {
        to_words(amount, Currency::Eur).unwrap()
    }

    #[test]
    fn examples_from_the_spec() {
        assert_eq!(usd(dec!(1005.50)), "One thousand five dollars and fifty cents");
        assert_eq!(usd(dec!(0)), "Zero dollars");
        assert_eq!(eur(dec!(1005.50)), "One thousand five euros and fifty cents");
    }

    #[test]
    fn singular_and_plural() {
        assert_eq!(usd(dec!(1)), "One dollar");
        assert_eq!(usd(dec!(1.01)), "One dollar and one cent");
        assert_eq!(usd(dec!(0.01)), "One cent");
        assert_eq!(usd(dec!(0.50)), "Fifty cents");
        assert_eq!(eur(dec!(1)), "One euro");
        assert_eq!(eur(dec!(0.99)), "Ninety-nine cents");
        assert_eq!(eur(dec!(0.00)), "Zero euros");
    }

    #[test]
    fn tens_and_teens() {
        assert_eq!(usd(dec!(13)), "Thirteen dollars");
        assert_eq!(usd(dec!(21)), "Twenty-one dollars");
        assert_eq!(usd(dec!(40.40)), "Forty dollars and forty cents");
        assert_eq!(usd(dec!(119)), "One hundred nineteen dollars");
    }

    #[test]
    fn zeros_inside_the_number() {
        assert_eq!(
            usd(dec!(1005000.50)),
            "One million five thousand dollars and fifty cents"
        );
        assert_eq!(usd(dec!(101)), "One hundred one dollars");
        assert_eq!(usd(dec!(1000000001.01)), "One billion one dollars and one cent");
        assert_eq!(eur(dec!(2000020)), "Two million twenty euros");
    }

    #[test]
    fn round_hundreds_and_thousands() {
        assert_eq!(usd(dec!(100)), "One hundred dollars");
        assert_eq!(usd(dec!(1000)), "One thousand dollars");
        assert_eq!(usd(dec!(300000)), "Three hundred thousand dollars");
        assert_eq!(usd(dec!(1000000)), "One million dollars");
        assert_eq!(eur(dec!(1000000000000)), "One trillion euros");
    }

    #[test]
    fn mixed_amounts() {
        assert_eq!(
            usd(dec!(123456789.12)),
            "One hundred twenty-three million four hundred fifty-six thousand seven hundred eighty-nine dollars \
             and twelve cents"
        );
    }

    #[test]
    fn largest_amount() {
        assert_eq!(
            usd(MAX_AMOUNT),
            "Nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million \
             nine hundred ninety-nine thousand nine hundred ninety-nine dollars and ninety-nine cents"
        );
    }

    /// Reads the words back into cents, independently of the writer.
    fn parse(words: &str) -> u64 {
        let (mut major, mut minor, mut current, mut small) = (0_u64, 0_u64, 0_u64, 0_u64);
        for w in words.to_lowercase().split([' ', '-']) {
            if let Some(v) = super::ONES.iter().position(|&x| x == w) {
                small += v as u64;
            } else if let Some(v) = super::TENS.iter().position(|&x| x == w && !x.is_empty()) {
                small += v as u64 * 10;
            } else if let Some((scale, _)) = super::SCALES.iter().find(|(_, name)| *name == w) {
                current += small * scale;
                small = 0;
            } else {
                match w {
                    "hundred" => small *= 100,
                    "dollar" | "dollars" | "euro" | "euros" => {
                        major = current + small;
                        (current, small) = (0, 0);
                    }
                    "cent" | "cents" => {
                        minor = current + small;
                        (current, small) = (0, 0);
                    }
                    "and" => {}
                    other => panic!("unexpected {other} in {words}"),
                }
            }
        }
        major * 100 + minor
    }

    proptest! {
        #[test]
        fn reads_back_to_the_same_amount(cents in prop_oneof![0..=99_999_999_999_999_999_u64, crate::words::zero_rich(17)]) {
            let words = usd(Decimal::new(cents as i64, 2));
            prop_assert_eq!(parse(&words), cents, "{}", words);
            prop_assert!(words.matches(" and ").count() <= 1, "{}", words);
            prop_assert!(!words.contains("zero") || cents == 0, "{}", words);
        }
    }
}
