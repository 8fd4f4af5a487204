//! Vietnamese amounts in words, as printed on invoices ("Số tiền viết bằng chữ").
//!
//! Rules: groups of three digits named nghìn, triệu, tỷ (10¹² is "nghìn tỷ"); "mười" for 10–19;
//! "mốt" for a 1 after tens of 20 or more ("hai mươi mốt"); "lăm" for a 5 after any tens
//! ("mười lăm", "hai mươi lăm"); "lẻ" for a zero tens digit before a unit ("một trăm lẻ năm");
//! a group after a higher group is written in full, so "không trăm" appears when its hundreds
//! digit is zero ("một triệu không trăm lẻ năm nghìn"); all-zero groups are left out.

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
const BILLION: u64 = 1_000_000_000;

/// Whole đồng, lower case; the caller upper-cases the first letter.
pub(super) fn amount(dong: u64) -> String {
    let mut words = Vec::new();
    if dong == 0 {
        words.push(DIGITS[0]);
    } else {
        integer(dong, false, &mut words);
    }
    words.push("đồng");
    words.join(" ")
}

fn digit(d: u64) -> &'static str {
    DIGITS.get(d as usize).copied().unwrap_or(DIGITS[0])
}

/// Writes `n > 0`; `after_higher` is true when a higher, non-zero group was already written.
fn integer(n: u64, after_higher: bool, out: &mut Vec<&'static str>) {
    if n >= BILLION {
        integer(n / BILLION, after_higher, out);
        out.push("tỷ");
        let low = n % BILLION;
        if low > 0 {
            integer(low, true, out);
        }
        return;
    }
    let mut after_higher = after_higher;
    for (group, name) in [
        (n / 1_000_000, Some("triệu")),
        (n / 1_000 % 1_000, Some("nghìn")),
        (n % 1_000, None),
    ] {
        if group == 0 {
            continue;
        }
        three_digits(group, after_higher, out);
        if let Some(name) = name {
            out.push(name);
        }
        after_higher = true;
    }
}

/// Writes a group `0 < n < 1000`; in full ("không trăm lẻ năm") when it follows a higher group.
fn three_digits(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (hundreds, tens, units) = (n / 100 % 10, n / 10 % 10, n % 10);
    if hundreds > 0 || full {
        out.push(digit(hundreds));
        out.push("trăm");
    }
    match tens {
        0 if units > 0 && (hundreds > 0 || full) => out.push("lẻ"),
        0 => {}
        1 => out.push("mười"),
        _ => {
            out.push(digit(tens));
            out.push("mươi");
        }
    }
    match units {
        0 => {}
        1 if tens >= 2 => out.push("mốt"),
        5 if tens >= 1 => out.push("lăm"),
        _ => out.push(digit(units)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::{Currency, MAX_AMOUNT, WordsError, to_words};
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn vi(amount: Decimal) -> String {
        to_words(amount, Currency::Vnd).unwrap()
    }

    #[test]
    fn examples_from_the_spec() {
        assert_eq!(vi(dec!(21)), "Hai mươi mốt đồng");
        assert_eq!(vi(dec!(15)), "Mười lăm đồng");
        assert_eq!(vi(dec!(25)), "Hai mươi lăm đồng");
        assert_eq!(vi(dec!(105)), "Một trăm lẻ năm đồng");
        assert_eq!(vi(dec!(1005000)), "Một triệu không trăm lẻ năm nghìn đồng");
    }

    #[test]
    fn small_numbers() {
        assert_eq!(vi(dec!(0)), "Không đồng");
        assert_eq!(vi(dec!(1)), "Một đồng");
        assert_eq!(vi(dec!(5)), "Năm đồng");
        assert_eq!(vi(dec!(10)), "Mười đồng");
        assert_eq!(vi(dec!(11)), "Mười một đồng");
        assert_eq!(vi(dec!(14)), "Mười bốn đồng");
        assert_eq!(vi(dec!(20)), "Hai mươi đồng");
        assert_eq!(vi(dec!(31)), "Ba mươi mốt đồng");
        assert_eq!(vi(dec!(55)), "Năm mươi lăm đồng");
        assert_eq!(vi(dec!(99)), "Chín mươi chín đồng");
        assert_eq!(vi(dec!(111)), "Một trăm mười một đồng");
        assert_eq!(vi(dec!(115)), "Một trăm mười lăm đồng");
        assert_eq!(vi(dec!(101)), "Một trăm lẻ một đồng");
    }

    #[test]
    fn round_hundreds_and_thousands() {
        assert_eq!(vi(dec!(100)), "Một trăm đồng");
        assert_eq!(vi(dec!(1000)), "Một nghìn đồng");
        assert_eq!(vi(dec!(10000)), "Mười nghìn đồng");
        assert_eq!(vi(dec!(500000)), "Năm trăm nghìn đồng");
        assert_eq!(vi(dec!(1000000)), "Một triệu đồng");
        assert_eq!(vi(dec!(1000000000)), "Một tỷ đồng");
        assert_eq!(vi(dec!(1000000000000)), "Một nghìn tỷ đồng");
    }

    #[test]
    fn zeros_inside_the_number() {
        assert_eq!(vi(dec!(1005)), "Một nghìn không trăm lẻ năm đồng");
        assert_eq!(vi(dec!(1050)), "Một nghìn không trăm năm mươi đồng");
        assert_eq!(vi(dec!(1000001)), "Một triệu không trăm lẻ một đồng");
        assert_eq!(vi(dec!(2000021)), "Hai triệu không trăm hai mươi mốt đồng");
        assert_eq!(vi(dec!(1000005000)), "Một tỷ không trăm lẻ năm nghìn đồng");
        assert_eq!(vi(dec!(1001000000000)), "Một nghìn không trăm lẻ một tỷ đồng");
        assert_eq!(vi(dec!(5.00)), "Năm đồng");
    }

    #[test]
    fn mixed_amounts() {
        assert_eq!(
            vi(dec!(1234567)),
            "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"
        );
        assert_eq!(
            vi(dec!(15515515)),
            "Mười lăm triệu năm trăm mười lăm nghìn năm trăm mười lăm đồng"
        );
        assert_eq!(vi(dec!(21021)), "Hai mươi mốt nghìn không trăm hai mươi mốt đồng");
    }

    #[test]
    fn largest_amount() {
        assert_eq!(
            vi(dec!(999999999999999)),
            "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu \
             chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng"
        );
        // MAX_AMOUNT itself has cents, which VND does not.
        assert!(matches!(
            to_words(MAX_AMOUNT, Currency::Vnd),
            Err(WordsError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            to_words(dec!(1000000000000000), Currency::Vnd),
            Err(WordsError::TooLarge { .. })
        ));
    }

    #[test]
    fn decimals_are_an_error() {
        assert!(matches!(
            to_words(dec!(1000.5), Currency::Vnd),
            Err(WordsError::TooManyDecimals { scale: 0, .. })
        ));
        assert!(to_words(dec!(0.01), Currency::Vnd).is_err());
    }

    /// Reads the words back into a number, independently of the writer.
    fn parse(words: &str) -> u64 {
        let (mut total, mut below_billion, mut small, mut last) = (0_u64, 0_u64, 0_u64, 0_u64);
        for word in words.to_lowercase().split(' ') {
            if let Some(d) = super::DIGITS.iter().position(|&x| x == word) {
                last = d as u64;
                continue;
            }
            match word {
                "mốt" => last = 1,
                "lăm" => last = 5,
                "mười" => small += 10,
                "mươi" => {
                    small += last * 10;
                    last = 0;
                }
                "trăm" => {
                    small += last * 100;
                    last = 0;
                }
                "lẻ" => {}
                "nghìn" | "triệu" => {
                    let unit = if word == "nghìn" { 1_000 } else { 1_000_000 };
                    below_billion += (small + last) * unit;
                    (small, last) = (0, 0);
                }
                "tỷ" => {
                    total += (below_billion + small + last) * 1_000_000_000;
                    (below_billion, small, last) = (0, 0, 0);
                }
                "đồng" => {}
                other => panic!("unexpected {other} in {words}"),
            }
        }
        total + below_billion + small + last
    }

    proptest! {
        #[test]
        fn reads_back_to_the_same_amount(n in prop_oneof![0..=999_999_999_999_999_u64, crate::words::zero_rich(15)]) {
            let words = vi(Decimal::from(n));
            prop_assert_eq!(parse(&words), n, "{}", words);
            prop_assert!(words.ends_with(" đồng"));
            prop_assert!(words.chars().next().is_some_and(char::is_uppercase));
            prop_assert!(!words.contains("một mươi") && !words.contains("mươi một"), "{}", words);
            prop_assert!(!words.contains("mười năm") && !words.contains("mươi năm"), "{}", words);
        }
    }
}
