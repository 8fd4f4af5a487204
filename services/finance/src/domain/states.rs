//! The states of finance's documents and the one table of moves each allows.

use erp_problem::AppError;

erp_db::states! {
    /// A cashier's direct entry: waiting for a finance manager, then posted or rejected.
    pub enum DirectStatus: "direct entry" {
        PendingReview = "pending_review",
        Posted = "posted",
        Rejected = "rejected",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectAction {
    Post,
    Reject,
}

impl DirectStatus {
    pub fn transition(self, action: DirectAction) -> Result<Self, AppError> {
        match (self, action) {
            (Self::PendingReview, DirectAction::Post) => Ok(Self::Posted),
            (Self::PendingReview, DirectAction::Reject) => Ok(Self::Rejected),
            (from, _) => Err(AppError::wrong_state(format!("the entry is already {from}"))),
        }
    }
}

erp_db::states! {
    /// A supplier payment purchasing asked for: waiting for the finance manager, then paid.
    pub enum PaymentStatus: "payment" {
        Awaiting = "awaiting",
        Paid = "paid",
    }
}

impl PaymentStatus {
    /// The one move: paying what awaits.
    pub fn pay(self) -> Result<Self, AppError> {
        match self {
            Self::Awaiting => Ok(Self::Paid),
            Self::Paid => Err(AppError::wrong_state("the payment is already paid".to_owned())),
        }
    }
}

erp_db::states! {
    /// A month of the books: open for postings, or closed for good.
    pub enum PeriodStatus: "period" {
        Open = "open",
        Closed = "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_direct_entry_is_decided_once() {
        use DirectAction as A;
        use DirectStatus as S;
        assert_eq!(S::PendingReview.transition(A::Post).unwrap(), S::Posted);
        assert_eq!(S::PendingReview.transition(A::Reject).unwrap(), S::Rejected);
        for &s in [S::Posted, S::Rejected].iter() {
            assert!(s.transition(A::Post).is_err());
            assert!(s.transition(A::Reject).is_err());
        }
    }

    #[test]
    fn a_payment_is_paid_once() {
        assert_eq!(PaymentStatus::Awaiting.pay().unwrap(), PaymentStatus::Paid);
        assert!(PaymentStatus::Paid.pay().is_err());
        for &s in PeriodStatus::ALL {
            assert_eq!(PeriodStatus::parse(s.as_str()).unwrap(), s);
        }
    }
}
