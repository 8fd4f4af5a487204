//! The funnel's arithmetic: per stage, how many opportunities and their amounts per currency,
//! plain and weighted by probability.

use crate::domain::pipeline::{Stage, weighted};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Opportunities of one stage, currency and probability, as the database groups them.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelGroup {
    pub stage: Stage,
    pub currency: String,
    pub probability: i32,
    pub count: i64,
    pub amount: Decimal,
}

/// One currency's totals within a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelAmount {
    pub currency: String,
    pub amount: Decimal,
    pub weighted_amount: Decimal,
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStage {
    pub stage: Stage,
    pub count: i64,
    /// In currency code order.
    pub amounts: Vec<FunnelAmount>,
}

/// Every stage in order, the empty ones too, with its count and per-currency totals.
pub fn funnel(groups: &[FunnelGroup]) -> Vec<FunnelStage> {
    Stage::ALL
        .iter()
        .map(|&stage| {
            let mut by_currency: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
            let mut count = 0;
            for g in groups.iter().filter(|g| g.stage == stage) {
                count += g.count;
                let entry = by_currency.entry(g.currency.as_str()).or_default();
                entry.0 += g.amount;
                entry.1 += weighted(g.amount, g.probability, &g.currency);
            }
            FunnelStage {
                stage,
                count,
                amounts: by_currency
                    .into_iter()
                    .map(|(currency, (amount, weighted_amount))| FunnelAmount {
                        currency: currency.to_owned(),
                        amount,
                        weighted_amount,
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn funnel_lists_every_stage_with_totals_per_currency() {
        let g = |stage, currency: &str, probability, count, amount| FunnelGroup {
            stage,
            currency: currency.into(),
            probability,
            count,
            amount,
        };
        let f = funnel(&[
            g(Stage::Qualification, "VND", 10, 2, dec!(30000000)),
            g(Stage::Qualification, "USD", 10, 1, dec!(1000.00)),
            g(Stage::Qualification, "VND", 40, 1, dec!(5000000)),
            g(Stage::Won, "VND", 100, 1, dec!(7000000)),
        ]);
        assert_eq!(f.len(), 6);
        assert_eq!(f[0].stage, Stage::Qualification);
        assert_eq!(f[0].count, 4);
        assert_eq!(
            f[0].amounts,
            vec![
                FunnelAmount {
                    currency: "USD".into(),
                    amount: dec!(1000.00),
                    weighted_amount: dec!(100.00)
                },
                FunnelAmount {
                    currency: "VND".into(),
                    amount: dec!(35000000),
                    weighted_amount: dec!(5000000)
                },
            ]
        );
        assert_eq!(f[1].count, 0);
        assert!(f[1].amounts.is_empty());
        assert_eq!(f[4].amounts[0].weighted_amount, dec!(7000000));
    }
}
