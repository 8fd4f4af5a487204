//! Chinese financial upper case (人民币大写), as written on cheques and fapiao.
//!
//! Rules: digits 零壹贰叁肆伍陆柒捌玖 with 拾佰仟 inside a four-digit section and 万/亿 between
//! sections (10¹² is 万亿); zeros inside a number collapse to one 零, and zeros at the end of a
//! section are dropped; tens are always written with their digit (壹拾, also at the start);
//! 元 ends the yuan, then 角 and 分; 整 when there are no 角 and no 分; 零 before 分 when there
//! are yuan but no 角; yuan are left out entirely for amounts below one yuan (`伍分`).

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// `yuan` below 10¹⁶, `fen` the two minor digits (0..=99).
pub(super) fn amount(yuan: u64, fen: u64) -> String {
    let mut out = String::new();
    let (jiao, fen) = ((fen / 10) % 10, fen % 10);
    if yuan > 0 {
        integer(yuan, &mut out);
        out.push('元');
    } else if jiao == 0 && fen == 0 {
        out.push_str("零元");
    }
    if jiao == 0 && fen == 0 {
        out.push('整');
        return out;
    }
    if jiao > 0 {
        push_digit(jiao, &mut out);
        out.push('角');
    } else if yuan > 0 {
        out.push('零');
    }
    if fen > 0 {
        push_digit(fen, &mut out);
        out.push('分');
    }
    out
}

fn push_digit(digit: u64, out: &mut String) {
    out.push(DIGITS.get(digit as usize).copied().unwrap_or('零'));
}

/// Writes `n > 0`, splitting at 亿 (10⁸) and then 万 (10⁴), so 10¹² comes out as 壹万亿.
fn integer(n: u64, out: &mut String) {
    for (unit, name) in [(100_000_000, '亿'), (10_000, '万')] {
        if n >= unit {
            integer(n / unit, out);
            out.push(name);
            let low = n % unit;
            if low > 0 {
                // A gap of zeros between the sections is read as one 零: 壹拾亿零壹.
                if low < unit / 10 {
                    out.push('零');
                }
                integer(low, out);
            }
            return;
        }
    }
    section(n, out);
}

/// Writes a section `0 < n < 10000`: inner zeros collapse to one 零, trailing zeros vanish.
fn section(n: u64, out: &mut String) {
    const UNITS: [Option<char>; 4] = [Some('仟'), Some('佰'), Some('拾'), None];
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let (mut started, mut pending_zero) = (false, false);
    for (digit, unit) in digits.into_iter().zip(UNITS) {
        if digit == 0 {
            pending_zero |= started;
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        push_digit(digit, out);
        if let Some(unit) = unit {
            out.push(unit);
        }
        started = true;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::{Currency, MAX_AMOUNT, to_words};
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn zh(amount: Decimal) -> String {
        to_words(amount, Currency::Cny).unwrap()
    }

    #[test]
    fn examples_from_the_spec() {
        assert_eq!(zh(dec!(1005000.50)), "壹佰万伍仟元伍角");
        assert_eq!(zh(dec!(100.00)), "壹佰元整");
        assert_eq!(zh(dec!(0.05)), "伍分");
        assert_eq!(zh(dec!(10.30)), "壹拾元叁角");
        assert_eq!(zh(dec!(1000000001.01)), "壹拾亿零壹元零壹分");
    }

    #[test]
    fn zero_and_small_amounts() {
        assert_eq!(zh(dec!(0)), "零元整");
        assert_eq!(zh(dec!(0.00)), "零元整");
        assert_eq!(zh(dec!(0.5)), "伍角");
        assert_eq!(zh(dec!(0.55)), "伍角伍分");
        assert_eq!(zh(dec!(1)), "壹元整");
        assert_eq!(zh(dec!(10)), "壹拾元整");
        assert_eq!(zh(dec!(15)), "壹拾伍元整");
        assert_eq!(zh(dec!(110)), "壹佰壹拾元整");
    }

    #[test]
    fn zeros_inside_the_number() {
        assert_eq!(zh(dec!(101)), "壹佰零壹元整");
        assert_eq!(zh(dec!(1005)), "壹仟零伍元整");
        assert_eq!(zh(dec!(1050)), "壹仟零伍拾元整");
        assert_eq!(zh(dec!(1001.01)), "壹仟零壹元零壹分");
        assert_eq!(zh(dec!(10005)), "壹万零伍元整");
        assert_eq!(zh(dec!(100500)), "壹拾万零伍佰元整");
        assert_eq!(zh(dec!(105000000)), "壹亿零伍佰万元整");
        assert_eq!(zh(dec!(2000500000)), "贰拾亿零伍拾万元整");
        assert_eq!(zh(dec!(100.05)), "壹佰元零伍分");
        assert_eq!(zh(dec!(1000.50)), "壹仟元伍角");
    }

    #[test]
    fn round_hundreds_and_thousands() {
        assert_eq!(zh(dec!(1000)), "壹仟元整");
        assert_eq!(zh(dec!(20000)), "贰万元整");
        assert_eq!(zh(dec!(300000)), "叁拾万元整");
        assert_eq!(zh(dec!(1000000)), "壹佰万元整");
        assert_eq!(zh(dec!(100000000)), "壹亿元整");
        assert_eq!(zh(dec!(1000000000000)), "壹万亿元整");
        assert_eq!(zh(dec!(1000100000000)), "壹万零壹亿元整");
    }

    #[test]
    fn mixed_amounts() {
        assert_eq!(zh(dec!(123456789.12)), "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分");
        assert_eq!(zh(dec!(6007.14)), "陆仟零柒元壹角肆分");
    }

    #[test]
    fn largest_amount() {
        assert_eq!(
            zh(MAX_AMOUNT),
            "玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"
        );
    }

    /// Reads the words back into fen, independently of the writer.
    fn parse(words: &str) -> u64 {
        let (mut total, mut below_yi, mut section, mut digit, mut fen) = (0_u64, 0_u64, 0_u64, 0_u64, 0_u64);
        for c in words.chars() {
            if let Some(d) = super::DIGITS.iter().position(|&x| x == c) {
                digit = d as u64;
                continue;
            }
            match c {
                '拾' => section += digit * 10,
                '佰' => section += digit * 100,
                '仟' => section += digit * 1000,
                '万' => below_yi += (section + digit) * 10_000,
                '亿' => {
                    total += (below_yi + section + digit) * 100_000_000;
                    below_yi = 0;
                }
                '元' => {
                    total += below_yi + section + digit;
                    below_yi = 0;
                }
                '角' => fen += digit * 10,
                '分' => fen += digit,
                '整' => {}
                other => panic!("unexpected {other} in {words}"),
            }
            if c != '亿' && c != '元' && c != '万' {
                digit = 0;
                continue;
            }
            section = 0;
            digit = 0;
        }
        total * 100 + fen
    }

    proptest! {
        #[test]
        fn reads_back_to_the_same_amount(fen in prop_oneof![0..=99_999_999_999_999_999_u64, crate::words::zero_rich(17)]) {
            let words = zh(Decimal::new(fen as i64, 2));
            prop_assert_eq!(parse(&words), fen, "{}", words);
            prop_assert!(!words.contains("零零"), "{}", words);
            prop_assert!(!words.contains("零元") || fen < 100, "{}", words);
            prop_assert!(!words.contains("零万") && !words.contains("零亿"), "{}", words);
        }
    }
}
