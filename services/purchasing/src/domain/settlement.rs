//! The states of settlement's documents — payment requests, arrivals and supplier invoices —
//! and the table of moves of each.

use super::refused;
use erp_problem::AppError;

erp_db::states! {
    /// A payment request's state.
    pub enum PaymentStatus: "payment request" {
        Requested = "requested",
        Approved = "approved",
        Rejected = "rejected",
        Paid = "paid",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentAction {
    Approve,
    Reject,
    /// Finance paid it.
    Pay,
}

impl PaymentStatus {
    /// Requests that count against what may be requested: all but the rejected ones.
    pub const COUNTED: [PaymentStatus; 3] = [Self::Requested, Self::Approved, Self::Paid];
    /// Requests the order still waits for (a decision or the money).
    pub const OPEN: [PaymentStatus; 2] = [Self::Requested, Self::Approved];

    pub fn transition(self, action: PaymentAction) -> Result<Self, AppError> {
        use PaymentAction as A;
        use PaymentStatus as S;
        Ok(match (self, action) {
            (S::Requested, A::Approve) => S::Approved,
            (S::Requested, A::Reject) => S::Rejected,
            (S::Approved, A::Pay) => S::Paid,
            (from, action) => {
                return Err(refused(
                    "payment request",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        })
    }
}

erp_db::states! {
    /// A supplier invoice's state.
    pub enum InvoiceStatus: "supplier invoice" {
        Matched = "matched",
        Blocked = "blocked",
        Accepted = "accepted",
        Rejected = "rejected",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceAction {
    /// A purchasing manager accepts the differences.
    Accept,
    Reject,
}

impl InvoiceStatus {
    /// Invoices that count: their lines are invoiced and finance has booked them.
    pub const COUNTED: [InvoiceStatus; 2] = [Self::Matched, Self::Accepted];

    /// A new invoice: matched without differences, else blocked.
    pub fn recorded(matched: bool) -> Self {
        if matched { Self::Matched } else { Self::Blocked }
    }

    pub fn transition(self, action: InvoiceAction) -> Result<Self, AppError> {
        use InvoiceAction as A;
        use InvoiceStatus as S;
        Ok(match (self, action) {
            (S::Blocked, A::Accept) => S::Accepted,
            (S::Blocked, A::Reject) => S::Rejected,
            (from, action) => {
                return Err(refused(
                    "supplier invoice",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        })
    }
}

erp_db::states! {
    /// An arrival's state.
    pub enum ArrivalStatus: "arrival" {
        /// Waiting for the warehouse keeper.
        Requested = "requested",
        Confirmed = "confirmed",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalAction {
    /// The warehouse counted it in.
    Confirm,
}

impl ArrivalStatus {
    pub fn transition(self, action: ArrivalAction) -> Result<Self, AppError> {
        match (self, action) {
            (Self::Requested, ArrivalAction::Confirm) => Ok(Self::Confirmed),
            (from, action) => Err(refused("arrival", &format!("{action:?}").to_lowercase(), from.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_table() {
        use PaymentAction as A;
        use PaymentStatus as S;
        assert_eq!(S::Requested.transition(A::Approve).unwrap(), S::Approved);
        assert_eq!(S::Requested.transition(A::Reject).unwrap(), S::Rejected);
        assert_eq!(S::Approved.transition(A::Pay).unwrap(), S::Paid);
        assert!(S::Requested.transition(A::Pay).is_err(), "paid only once approved");
        assert!(S::Approved.transition(A::Reject).is_err());
        assert!(!S::COUNTED.contains(&S::Rejected));
    }

    #[test]
    fn invoice_and_arrival_tables() {
        assert_eq!(InvoiceStatus::recorded(true), InvoiceStatus::Matched);
        assert_eq!(InvoiceStatus::recorded(false), InvoiceStatus::Blocked);
        assert_eq!(
            InvoiceStatus::Blocked.transition(InvoiceAction::Accept).unwrap(),
            InvoiceStatus::Accepted
        );
        assert!(InvoiceStatus::Matched.transition(InvoiceAction::Reject).is_err());
        assert_eq!(
            ArrivalStatus::Requested.transition(ArrivalAction::Confirm).unwrap(),
            ArrivalStatus::Confirmed
        );
        assert!(ArrivalStatus::Confirmed.transition(ArrivalAction::Confirm).is_err());
    }
}
