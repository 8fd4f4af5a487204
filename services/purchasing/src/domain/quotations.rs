//! Supplier quotations and the supplier selection: how many quotations a choice needs, the
//! selection's states and its table of moves, and which offer is the cheapest.

use super::refused;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Quotations from different suppliers a selection needs without a reason (seed 000 §5.3).
pub const MIN_QUOTATIONS: i64 = 3;

erp_db::states! {
    /// The state of a request's supplier selection, reviewed by project control.
    pub enum SelectionStatus: "supplier selection" {
        PendingReview = "pending_review",
        Approved = "approved",
        Rejected = "rejected",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionAction {
    /// A new choice (the first one has no state before it).
    Submit,
    Approve,
    Reject,
}

impl SelectionStatus {
    pub fn transition(self, action: SelectionAction) -> Result<Self, AppError> {
        use SelectionAction as A;
        use SelectionStatus as S;
        Ok(match (self, action) {
            (S::Rejected, A::Submit) => S::PendingReview,
            (S::PendingReview, A::Approve) => S::Approved,
            (S::PendingReview, A::Reject) => S::Rejected,
            (from, A::Submit) => {
                return Err(AppError::wrong_state(format!(
                    "the supplier selection is {} already",
                    from.as_str().replace('_', " ")
                )));
            }
            (from, action) => {
                return Err(refused(
                    "supplier selection",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        })
    }

    /// The state a new choice starts in, after `current` (none for the first choice).
    pub fn submit(current: Option<SelectionStatus>) -> Result<Self, AppError> {
        match current {
            None => Ok(SelectionStatus::PendingReview),
            Some(s) => s.transition(SelectionAction::Submit),
        }
    }

    /// Quotations are collected until a supplier is chosen (again after a rejection).
    pub fn takes_quotations(current: Option<SelectionStatus>) -> bool {
        current.is_none_or(|s| s == SelectionStatus::Rejected)
    }
}

/// The lowest value of each currency group.
pub fn cheapest_by_currency<'a>(values: impl Iterator<Item = (&'a str, Decimal)>) -> HashMap<String, Decimal> {
    let mut min: HashMap<String, Decimal> = HashMap::new();
    for (currency, v) in values {
        min.entry(currency.to_owned())
            .and_modify(|m| *m = (*m).min(v))
            .or_insert(v);
    }
    min
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_new_choice_follows_none_or_a_rejection() {
        use SelectionStatus as S;
        assert_eq!(S::submit(None).unwrap(), S::PendingReview);
        assert_eq!(S::submit(Some(S::Rejected)).unwrap(), S::PendingReview);
        let e = S::submit(Some(S::PendingReview)).unwrap_err().to_problem();
        assert_eq!(e.status, 409);
        assert!(S::submit(Some(S::Approved)).is_err());
        assert_eq!(
            S::PendingReview.transition(SelectionAction::Approve).unwrap(),
            S::Approved
        );
        assert!(S::Approved.transition(SelectionAction::Reject).is_err());
        assert!(S::takes_quotations(None) && S::takes_quotations(Some(S::Rejected)));
        assert!(!S::takes_quotations(Some(S::PendingReview)));
    }

    #[test]
    fn the_cheapest_is_per_currency() {
        let min = cheapest_by_currency([("VND", dec!(3)), ("USD", dec!(9)), ("VND", dec!(2))].into_iter());
        assert_eq!(min.get("VND"), Some(&dec!(2)));
        assert_eq!(min.get("USD"), Some(&dec!(9)));
    }
}
