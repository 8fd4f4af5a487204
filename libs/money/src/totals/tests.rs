//! Totals: rounding per line, taxes, and the property that lines add up to the document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use proptest::prelude::*;
use rust_decimal_macros::dec;

fn line(quantity: Decimal, unit_price: Decimal, discount_pct: Decimal, tax_rate_pct: Decimal) -> LineInput {
    LineInput {
        quantity,
        unit_price,
        discount_pct,
        tax_rate_pct,
    }
}

#[test]
fn simple_line_in_cny_is_padded() {
    let t = line_totals(&line(dec!(2), dec!(21), dec!(0), dec!(13)), Currency::Cny).unwrap();
    assert_eq!(t.gross.to_string(), "42.00");
    assert_eq!(t.discount.to_string(), "0.00");
    assert_eq!(t.net.to_string(), "42.00");
    assert_eq!(t.tax.to_string(), "5.46");
    assert_eq!(t.total.to_string(), "47.46");
}

#[test]
fn line_rounds_each_step_half_up() {
    // gross 3 × 3.335 = 10.005 → 10.01; discount 10.01 × 5 % = 0.5005 → 0.50; net 9.51;
    // tax 9.51 × 10 % = 0.951 → 0.95; total 10.46.
    let t = line_totals(&line(dec!(3), dec!(3.335), dec!(5), dec!(10)), Currency::Usd).unwrap();
    assert_eq!(
        (t.gross, t.discount, t.net, t.tax, t.total),
        (dec!(10.01), dec!(0.50), dec!(9.51), dec!(0.95), dec!(10.46))
    );
}

#[test]
fn tax_is_computed_on_the_rounded_net() {
    // net 0.125 × 1 → 0.13 (half-up); tax 0.13 × 50 % = 0.065 → 0.07.
    // On the unrounded net it would be 0.0625 → 0.06.
    let t = line_totals(&line(dec!(1), dec!(0.125), dec!(0), dec!(50)), Currency::Eur).unwrap();
    assert_eq!(t.net, dec!(0.13));
    assert_eq!(t.tax, dec!(0.07));
    assert_eq!(t.total, dec!(0.20));
}

#[test]
fn vnd_line_has_no_decimals() {
    // 1.5 kg × 33,333 = 49,999.5 → 50,000; 8 % VAT = 4,000.
    let t = line_totals(&line(dec!(1.5), dec!(33333), dec!(0), dec!(8)), Currency::Vnd).unwrap();
    assert_eq!(t.gross.to_string(), "50000");
    assert_eq!(t.tax.to_string(), "4000");
    assert_eq!(t.total.to_string(), "54000");
    // 10 % discount of 12,345 = 1,234.5 → 1,235.
    let t = line_totals(&line(dec!(1), dec!(12345), dec!(10), dec!(0)), Currency::Vnd).unwrap();
    assert_eq!((t.discount, t.net), (dec!(1235), dec!(11110)));
}

#[test]
fn document_totals_are_sums_of_rounded_lines() {
    // Each line: 0.005 → 0.01; three lines sum to 0.03, not round(0.015) = 0.02.
    let lines = vec![line(dec!(1), dec!(0.005), dec!(0), dec!(0)); 3];
    let (computed, totals) = document_totals(&lines, Currency::Usd).unwrap();
    assert_eq!(computed.len(), 3);
    assert_eq!(totals.net, dec!(0.03));
    assert_eq!(totals.total, dec!(0.03));
}

#[test]
fn empty_document_is_zero_at_scale() {
    let totals = sum_lines(&[], Currency::Cny).unwrap();
    assert_eq!(totals.total.to_string(), "0.00");
    let totals = sum_lines(&[], Currency::Vnd).unwrap();
    assert_eq!(totals.total.to_string(), "0");
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let huge = line(Decimal::MAX, Decimal::MAX, dec!(0), dec!(0));
    assert_eq!(line_totals(&huge, Currency::Usd), Err(TotalsError::Overflow));
    let big = line(Decimal::MAX, dec!(1), dec!(0), dec!(0));
    assert_eq!(
        document_totals(&[big.clone(), big], Currency::Vnd),
        Err(TotalsError::Overflow)
    );
}

#[test]
fn valid_line_has_no_errors() {
    assert!(validate_line(&line(dec!(0.0001), dec!(0), dec!(0), dec!(0))).is_empty());
    assert!(validate_line(&line(dec!(2.50000), dec!(1.2345), dec!(100), dec!(100))).is_empty());
}

#[test]
fn invalid_line_reports_every_field() {
    let errors = validate_line(&line(dec!(0), dec!(-1), dec!(-0.01), dec!(100.01)));
    assert_eq!(
        errors,
        vec![
            ("quantity".to_owned(), "must be greater than 0".to_owned()),
            ("unit_price".to_owned(), "must not be negative".to_owned()),
            ("discount_pct".to_owned(), "must be between 0 and 100".to_owned()),
            ("tax_rate_pct".to_owned(), "must be between 0 and 100".to_owned()),
        ]
    );
    let errors = validate_line(&line(dec!(-3), dec!(1), dec!(101), dec!(0)));
    assert_eq!(errors.len(), 2);
}

#[test]
fn too_many_decimals_or_too_large() {
    let errors = validate_line(&line(dec!(1.00001), dec!(0.12345), dec!(0), dec!(0)));
    assert_eq!(
        errors,
        vec![
            ("quantity".to_owned(), "must have at most 4 decimal places".to_owned()),
            ("unit_price".to_owned(), "must have at most 4 decimal places".to_owned()),
        ]
    );
    let errors = validate_line(&line(dec!(1), dec!(1000000000000000), dec!(0), dec!(0)));
    assert_eq!(
        errors,
        vec![("unit_price".to_owned(), "must be at most 999999999999999.99".to_owned())]
    );
}

#[test]
fn validate_lines_prefixes_fields() {
    let lines = [
        line(dec!(1), dec!(1), dec!(0), dec!(0)),
        line(dec!(0), dec!(1), dec!(0), dec!(0)),
    ];
    assert_eq!(
        validate_lines(&lines),
        vec![("lines[1].quantity".to_owned(), "must be greater than 0".to_owned())]
    );
}

#[test]
fn margin() {
    assert_eq!(margin_pct(dec!(200), dec!(150)).unwrap().to_string(), "25.00");
    assert_eq!(margin_pct(dec!(3), dec!(1)), Some(dec!(66.67)));
    assert_eq!(margin_pct(dec!(3), dec!(2)), Some(dec!(33.33)));
    assert_eq!(margin_pct(dec!(100), dec!(120)), Some(dec!(-20.00)));
    assert_eq!(margin_pct(dec!(0), dec!(10)), None);
    assert_eq!(margin_pct(dec!(0.00), dec!(0)), None);
    // 1 / 8 = 12.5 % exactly; 1 / 1600 = 0.0625 % → 0.06; 1 / 800 = 0.125 % → 0.13 (half-up).
    assert_eq!(margin_pct(dec!(8), dec!(7)), Some(dec!(12.50)));
    assert_eq!(margin_pct(dec!(1600), dec!(1599)), Some(dec!(0.06)));
    assert_eq!(margin_pct(dec!(800), dec!(799)), Some(dec!(0.13)));
}

#[test]
fn serde_carries_amounts_as_strings() {
    let t = line_totals(&line(dec!(1), dec!(42), dec!(0), dec!(0)), Currency::Cny).unwrap();
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["total"], "42.00");
    let input: LineInput = serde_json::from_value(serde_json::json!({
        "quantity": "2.5", "unit_price": "10", "discount_pct": "0", "tax_rate_pct": "10"
    }))
    .unwrap();
    assert_eq!(input.quantity, dec!(2.5));
}

fn decimal(max_units: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    (0..=max_units).prop_map(move |units| Decimal::new(units, scale))
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::ALL.to_vec())
}

fn line_input() -> impl Strategy<Value = LineInput> {
    (
        (1..=1_000_000_000_000_i64, 0..=4_u32).prop_map(|(u, s)| Decimal::new(u, s)),
        (0..=4_u32).prop_flat_map(|s| decimal(1_000_000_000_000, s)),
        decimal(10_000, 2),
        decimal(10_000, 2),
    )
        .prop_map(|(quantity, unit_price, discount_pct, tax_rate_pct)| {
            line(quantity, unit_price, discount_pct, tax_rate_pct)
        })
}

proptest! {
    #[test]
    fn line_totals_add_up_at_the_currency_scale(input in line_input(), currency in currency()) {
        prop_assert!(validate_line(&input).is_empty());
        let t = line_totals(&input, currency).unwrap();
        prop_assert_eq!(t.net + t.tax, t.total);
        prop_assert_eq!(t.gross - t.discount, t.net);
        for v in [t.gross, t.discount, t.net, t.tax, t.total] {
            prop_assert_eq!(v.scale(), currency.scale());
            prop_assert!(v >= Decimal::ZERO);
        }
        prop_assert!(t.discount <= t.gross);
    }

    #[test]
    fn document_totals_add_up(lines in prop::collection::vec(line_input(), 0..8), currency in currency()) {
        let (computed, totals) = document_totals(&lines, currency).unwrap();
        prop_assert_eq!(totals.net + totals.tax, totals.total);
        prop_assert_eq!(totals.net, computed.iter().map(|l| l.net).sum::<Decimal>());
        prop_assert_eq!(totals.tax, computed.iter().map(|l| l.tax).sum::<Decimal>());
        for v in [totals.net, totals.tax, totals.total] {
            prop_assert_eq!(v.scale(), currency.scale());
        }
    }

    #[test]
    fn rounding_always_has_the_currency_scale(units in any::<i64>(), scale in 0..=10_u32, currency in currency()) {
        let amount = Decimal::new(units, scale);
        let rounded = round(amount, currency);
        prop_assert_eq!(rounded.scale(), currency.scale());
        let step = Decimal::new(5, currency.scale() + 1);
        prop_assert!((rounded - amount).abs() <= step);
    }
}

/// The table of lines the console's own line pricing is checked against too
/// (console/src/format.test.ts): both sides must give these amounts.
#[test]
fn the_shared_table_of_lines_prices_as_written() {
    let cases: Vec<serde_json::Value> = serde_json::from_str(include_str!("../../line_cases.json")).unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let d = |k: &str| case[k].as_str().unwrap().parse::<Decimal>().unwrap();
        let currency = Currency::parse(case["currency"].as_str().unwrap()).unwrap();
        let t = line_totals(
            &line(d("quantity"), d("unit_price"), d("discount_pct"), d("tax_rate_pct")),
            currency,
        )
        .unwrap();
        let got = [t.gross, t.discount, t.net, t.tax, t.total].map(|v| v.to_string());
        let want = ["gross", "discount", "net", "tax", "total"].map(|k| case[k].as_str().unwrap().to_owned());
        assert_eq!(got, want, "{case}");
    }
}
