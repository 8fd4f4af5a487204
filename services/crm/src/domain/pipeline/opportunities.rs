//! Opportunity stages: the four open ones in order, then won or lost; their default
//! probabilities, the moves between them, and what an opportunity's amount may be.

use erp_money::Currency;
use erp_problem::{AppError, Validator};
use rust_decimal::{Decimal, RoundingStrategy};

erp_db::states! {
    /// An opportunity's stage: four open ones in order, then won or lost (final).
    pub enum Stage: "opportunity stage" {
        Qualification = "qualification",
        Needs = "needs",
        Proposal = "proposal",
        Negotiation = "negotiation",
        Won = "won",
        Lost = "lost",
    }
}

impl Stage {
    pub const OPEN: [Stage; 4] = [Stage::Qualification, Stage::Needs, Stage::Proposal, Stage::Negotiation];

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Won | Stage::Lost)
    }

    /// The probability (percent) an opportunity gets on entering the stage, unless given.
    pub fn default_probability(self) -> i32 {
        match self {
            Stage::Qualification => 10,
            Stage::Needs => 25,
            Stage::Proposal => 50,
            Stage::Negotiation => 75,
            Stage::Won => 100,
            Stage::Lost => 0,
        }
    }

    /// Whether the opportunity may still be changed: won and lost are final.
    pub fn check_open(self) -> Result<(), AppError> {
        if self.is_open() {
            Ok(())
        } else {
            Err(AppError::wrong_state(format!(
                "the opportunity is {self}; that is final"
            )))
        }
    }

    /// The transition table: between open stages forward or back, from any open stage to won
    /// or lost; won and lost are final, and staying where one is is no move.
    pub fn transition(self, to: Stage) -> Result<Stage, AppError> {
        self.check_open()?;
        if to == self {
            return Err(AppError::wrong_state(format!("the opportunity is already in {self}")));
        }
        Ok(to)
    }

    /// The probability after a move: won 100, lost 0, else the one given or the stage's default.
    pub fn probability_after_move(self, given: Option<i32>) -> i32 {
        if self.is_open() {
            given.unwrap_or(self.default_probability())
        } else {
            self.default_probability()
        }
    }
}

pub fn check_probability(v: &mut Validator, field: &str, p: Option<i32>) {
    if let Some(p) = p {
        v.check((0..=100).contains(&p), field, "must be between 0 and 100");
    }
}

/// An amount of `currency`: not negative (zero while the deal is vague), with no more decimals
/// than the currency has (VND none, the others 2). A currency crm does not know is reported on
/// `currency_field`.
pub fn check_amount(v: &mut Validator, field: &str, currency_field: &str, amount: Decimal, currency: &str) {
    v.check(amount >= Decimal::ZERO, field, "must not be negative");
    match Currency::parse(currency) {
        Ok(c) => {
            if amount > Decimal::ZERO
                && let Some(problem) = c.amount_problem(amount)
            {
                v.add(field, problem);
            }
        }
        Err(_) => {
            v.add(currency_field, "must be one of VND, CNY, USD, EUR");
        }
    }
}

/// `amount × probability / 100`, rounded half-up at the currency's scale.
pub fn weighted(amount: Decimal, probability: i32, currency: &str) -> Decimal {
    let scale = Currency::parse(currency).map(|c| c.scale()).unwrap_or(2);
    (amount * Decimal::from(probability) / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pipeline::check_attachments;
    use rust_decimal_macros::dec;

    #[test]
    fn stage_transition_table() {
        for from in Stage::OPEN {
            for &to in Stage::ALL {
                assert_eq!(from.transition(to).is_ok(), from != to, "{from:?} → {to:?}");
            }
        }
        for from in [Stage::Won, Stage::Lost] {
            for &to in Stage::ALL {
                assert!(from.transition(to).is_err(), "{from:?} is final");
            }
        }
        assert_eq!(
            Stage::Negotiation.transition(Stage::Needs).unwrap(),
            Stage::Needs,
            "back"
        );
    }

    #[test]
    fn default_probabilities() {
        let p: Vec<i32> = Stage::ALL.iter().map(|s| s.default_probability()).collect();
        assert_eq!(p, vec![10, 25, 50, 75, 100, 0]);
        assert_eq!(Stage::Proposal.probability_after_move(Some(60)), 60);
        assert_eq!(Stage::Proposal.probability_after_move(None), 50);
        assert_eq!(Stage::Won.probability_after_move(Some(60)), 100);
        assert_eq!(Stage::Lost.probability_after_move(Some(60)), 0);
    }

    #[test]
    fn amounts_follow_the_currency() {
        let mut v = Validator::new();
        check_amount(&mut v, "amount", "currency", dec!(1000000), "VND");
        check_amount(&mut v, "amount", "currency", dec!(10.50), "USD");
        check_amount(&mut v, "amount", "currency", dec!(10.500), "CNY");
        check_amount(&mut v, "amount", "currency", dec!(0), "USD");
        assert!(v.is_empty());
        for (amount, currency) in [
            (dec!(1.5), "VND"),
            (dec!(-1), "USD"),
            (dec!(1.001), "USD"),
            (dec!(1), "XXX"),
        ] {
            let mut v = Validator::new();
            check_amount(&mut v, "amount", "currency", amount, currency);
            assert!(!v.is_empty(), "{amount} {currency}");
        }
        let mut v = Validator::new();
        check_probability(&mut v, "probability", Some(101));
        check_attachments(&mut v, &["rec/1.mp3".into(), " ".into()]);
        match v.finish() {
            Err(AppError::Validation(errs)) => {
                let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, vec!["probability", "attachments[1]"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn weighted_amounts_round_half_up_at_the_currency_scale() {
        assert_eq!(weighted(dec!(1000001), 50, "VND"), dec!(500001));
        assert_eq!(weighted(dec!(10.01), 25, "USD"), dec!(2.50));
        assert_eq!(weighted(dec!(10.02), 25, "USD"), dec!(2.51));
        assert_eq!(weighted(dec!(999), 0, "USD"), dec!(0));
    }
}
