//! The quotation's and the sales order's states, and the one table of moves each allows.

use erp_problem::AppError;

fn refused(doc: &str, action: &str, from: &str) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail: format!("cannot {action} a {doc} that is {from}"),
    }
}

erp_db::states! {
    /// A quotation's state.
    pub enum QuotationStatus: "quotation" {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Sent = "sent",
        Accepted = "accepted",
        Rejected = "rejected",
        Expired = "expired",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotationAction {
    Edit,
    Submit,
    /// The approval chain finished with an approval (or nobody had to approve).
    Approve,
    Reject,
    Send,
    Accept,
    /// The customer said no.
    Decline,
    Expire,
    Cancel,
    /// A new revision replaces this one.
    Revise,
}

impl QuotationStatus {
    pub fn transition(self, action: QuotationAction) -> Result<Self, AppError> {
        use QuotationAction as A;
        use QuotationStatus as S;
        let next = match (self, action) {
            (S::Draft, A::Edit) => S::Draft,
            (S::Draft, A::Submit) => S::PendingApproval,
            (S::PendingApproval, A::Approve) => S::Approved,
            (S::PendingApproval, A::Reject) => S::Rejected,
            (S::Approved, A::Send) => S::Sent,
            (S::Sent, A::Accept) => S::Accepted,
            (S::Sent, A::Decline) => S::Rejected,
            (S::Approved | S::Sent, A::Expire) => S::Expired,
            (S::Draft | S::PendingApproval | S::Approved | S::Sent, A::Cancel) => S::Cancelled,
            // The old revision stays for the record, cancelled; the new one starts as a draft.
            (S::Draft | S::Approved | S::Sent | S::Rejected | S::Expired, A::Revise) => S::Cancelled,
            (from, action) => {
                return Err(refused(
                    "quotation",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        };
        Ok(next)
    }
}

erp_db::states! {
    /// A sales order's state.
    pub enum OrderStatus: "sales order" {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Rejected = "rejected",
        InFulfilment = "in_fulfilment",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    Edit,
    Submit,
    Approve,
    Reject,
    /// The first outbound request.
    Fulfil,
    /// Everything shipped and paid.
    Complete,
    Cancel,
}

impl OrderStatus {
    pub fn transition(self, action: OrderAction) -> Result<Self, AppError> {
        use OrderAction as A;
        use OrderStatus as S;
        let next = match (self, action) {
            (S::Draft | S::Rejected, A::Edit) => S::Draft,
            (S::Draft, A::Submit) => S::PendingApproval,
            (S::PendingApproval, A::Approve) => S::Approved,
            (S::PendingApproval, A::Reject) => S::Rejected,
            (S::Approved | S::InFulfilment, A::Fulfil) => S::InFulfilment,
            (S::InFulfilment, A::Complete) => S::Completed,
            // Once goods have been requested, an order is finished, not cancelled.
            (S::Draft | S::PendingApproval | S::Approved | S::Rejected, A::Cancel) => S::Cancelled,
            (from, action) => {
                return Err(refused(
                    "sales order",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        };
        Ok(next)
    }

    /// Goods may be requested, shipped and paid for.
    pub fn is_open_for_fulfilment(self) -> bool {
        matches!(self, Self::Approved | Self::InFulfilment)
    }
}

erp_db::states! {
    /// A change request to an approved order (seed 002: changes go through their own review
    /// and approval).
    pub enum ChangeStatus: "change request" {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Review,
    Submit,
    Approve,
    Reject,
    Cancel,
}

impl ChangeStatus {
    pub fn transition(self, action: ChangeAction) -> Result<Self, AppError> {
        use ChangeAction as A;
        use ChangeStatus as S;
        let next = match (self, action) {
            (S::Draft, A::Review) => S::Draft,
            (S::Draft, A::Submit) => S::PendingApproval,
            (S::PendingApproval, A::Approve) => S::Approved,
            (S::PendingApproval, A::Reject) => S::Rejected,
            (S::Draft | S::PendingApproval, A::Cancel) => S::Cancelled,
            (from, action) => {
                return Err(refused(
                    "change request",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        };
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotation_table() {
        use QuotationAction as A;
        use QuotationStatus as S;
        assert_eq!(S::Draft.transition(A::Submit).unwrap(), S::PendingApproval);
        assert_eq!(S::PendingApproval.transition(A::Approve).unwrap(), S::Approved);
        assert_eq!(S::Approved.transition(A::Send).unwrap(), S::Sent);
        assert_eq!(S::Sent.transition(A::Accept).unwrap(), S::Accepted);
        assert!(
            S::Draft.transition(A::Send).is_err(),
            "an unapproved quotation is not sent"
        );
        assert!(S::Approved.transition(A::Approve).is_err(), "deciding twice");
        assert!(S::Accepted.transition(A::Cancel).is_err());
        assert!(
            S::PendingApproval.transition(A::Edit).is_err(),
            "no edits while approving"
        );
        assert_eq!(S::Sent.transition(A::Revise).unwrap(), S::Cancelled);
        for &s in S::ALL {
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
    }

    #[test]
    fn change_table() {
        use ChangeAction as A;
        use ChangeStatus as S;
        assert_eq!(S::Draft.transition(A::Submit).unwrap(), S::PendingApproval);
        assert_eq!(S::PendingApproval.transition(A::Approve).unwrap(), S::Approved);
        assert!(S::Approved.transition(A::Approve).is_err());
        assert!(
            S::PendingApproval.transition(A::Review).is_err(),
            "the review is done before submitting"
        );
        assert!(S::Approved.transition(A::Cancel).is_err());
    }

    #[test]
    fn order_table() {
        use OrderAction as A;
        use OrderStatus as S;
        assert_eq!(S::Draft.transition(A::Submit).unwrap(), S::PendingApproval);
        assert_eq!(S::Approved.transition(A::Fulfil).unwrap(), S::InFulfilment);
        assert_eq!(S::InFulfilment.transition(A::Fulfil).unwrap(), S::InFulfilment);
        assert!(S::Draft.transition(A::Fulfil).is_err(), "no goods before approval");
        assert!(S::InFulfilment.transition(A::Cancel).is_err());
        assert!(S::Completed.transition(A::Complete).is_err());
        assert!(S::Approved.is_open_for_fulfilment());
        for &s in S::ALL {
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
    }
}
