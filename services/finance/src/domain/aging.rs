//! Aging of receivables and payables: money paid on an order settles that order's invoices
//! oldest first; what is still open is bucketed by days past the invoice's due date.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// One invoice as aging sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenItem {
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub total: Decimal,
}

/// What stays open of each of `invoices` (same order, any order given) after `paid` settles
/// them oldest first (issue date, then due date), and what was paid beyond them (an advance).
pub fn settle(invoices: &[OpenItem], paid: Decimal) -> (Vec<Decimal>, Decimal) {
    let mut order: Vec<usize> = (0..invoices.len()).collect();
    order.sort_by_key(|&i| (invoices[i].issued, invoices[i].due, i));
    let mut left = paid.max(Decimal::ZERO);
    let mut open = vec![Decimal::ZERO; invoices.len()];
    for i in order {
        let applied = left.min(invoices[i].total);
        open[i] = invoices[i].total - applied;
        left -= applied;
    }
    (open, left)
}

/// Amounts by days past due on the report date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Buckets {
    /// Not due yet.
    #[schema(value_type = String)]
    pub not_due: Decimal,
    /// Due today up to 30 days past due.
    #[schema(value_type = String)]
    pub days_0_30: Decimal,
    #[schema(value_type = String)]
    pub days_31_60: Decimal,
    #[schema(value_type = String)]
    pub days_61_90: Decimal,
    #[schema(value_type = String)]
    pub over_90: Decimal,
    /// All of the above.
    #[schema(value_type = String)]
    pub total: Decimal,
}

impl Buckets {
    pub fn add(&mut self, due: NaiveDate, as_of: NaiveDate, amount: Decimal) {
        let late = (as_of - due).num_days();
        let slot = match late {
            i64::MIN..=-1 => &mut self.not_due,
            0..=30 => &mut self.days_0_30,
            31..=60 => &mut self.days_31_60,
            61..=90 => &mut self.days_61_90,
            _ => &mut self.over_90,
        };
        *slot += amount;
        self.total += amount;
    }

    pub fn merge(&mut self, other: &Buckets) {
        self.not_due += other.not_due;
        self.days_0_30 += other.days_0_30;
        self.days_31_60 += other.days_31_60;
        self.days_61_90 += other.days_61_90;
        self.over_90 += other.over_90;
        self.total += other.total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(issued: &str, due: &str, total: Decimal) -> OpenItem {
        OpenItem {
            issued: d(issued),
            due: d(due),
            total,
        }
    }

    #[test]
    fn oldest_first_and_advance() {
        let inv = [
            item("2026-03-01", "2026-03-31", dec!(300)),
            item("2026-01-01", "2026-01-31", dec!(100)),
            item("2026-02-01", "2026-03-02", dec!(200)),
        ];
        assert_eq!(settle(&inv, dec!(150)), (vec![dec!(300), dec!(0), dec!(150)], dec!(0)));
        assert_eq!(settle(&inv, dec!(700)), (vec![dec!(0); 3], dec!(100)));
        assert_eq!(settle(&inv, dec!(0)), (vec![dec!(300), dec!(100), dec!(200)], dec!(0)));
        assert_eq!(settle(&[], dec!(50)), (vec![], dec!(50)));
    }

    #[test]
    fn bucket_edges() {
        let as_of = d("2026-06-30");
        let mut b = Buckets::default();
        for (due, amount) in [
            ("2026-07-01", dec!(1)),
            ("2026-06-30", dec!(2)),
            ("2026-05-31", dec!(4)),
            ("2026-05-30", dec!(8)),
            ("2026-05-01", dec!(16)),
            ("2026-04-30", dec!(32)),
            ("2026-04-01", dec!(64)),
            ("2026-03-31", dec!(128)),
        ] {
            b.add(d(due), as_of, amount);
        }
        assert_eq!(
            (b.not_due, b.days_0_30, b.days_31_60, b.days_61_90, b.over_90, b.total),
            (dec!(1), dec!(6), dec!(24), dec!(96), dec!(128), dec!(255))
        );
    }
}
