//! The states of purchase requests and purchase orders, and the one table of moves each allows.

use erp_problem::AppError;

fn refused(doc: &str, action: &str, from: &str) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail: format!("cannot {action} a {doc} that is {from}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    Draft,
    PendingApproval,
    Approved,
    Ordered,
    Rejected,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAction {
    Edit,
    Submit,
    Approve,
    Reject,
    /// Every line is on purchase orders.
    Order,
    /// A purchase order was cancelled or cut: some lines are open to order again.
    Reopen,
    Cancel,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        Self::Draft,
        Self::PendingApproval,
        Self::Approved,
        Self::Ordered,
        Self::Rejected,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::PendingApproval => "pending_approval",
            Self::Approved => "approved",
            Self::Ordered => "ordered",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| AppError::internal(format!("unknown purchase request status {s}")))
    }

    pub fn transition(self, action: RequestAction) -> Result<Self, AppError> {
        use RequestAction as A;
        use RequestStatus as S;
        Ok(match (self, action) {
            (S::Draft, A::Edit) => S::Draft,
            (S::Draft, A::Submit) => S::PendingApproval,
            (S::PendingApproval, A::Approve) => S::Approved,
            (S::PendingApproval, A::Reject) => S::Rejected,
            (S::Approved, A::Order) => S::Ordered,
            (S::Ordered, A::Reopen) => S::Approved,
            (S::Draft | S::PendingApproval | S::Approved, A::Cancel) => S::Cancelled,
            (from, action) => {
                return Err(refused(
                    "purchase request",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Draft,
    PendingApproval,
    Approved,
    Rejected,
    Sent,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    Edit,
    Submit,
    Approve,
    Reject,
    Send,
    /// Some goods were received (not all).
    ReceivePart,
    /// Everything ordered was received.
    ReceiveAll,
    /// Received, invoiced and paid: nothing more happens on it.
    Close,
    Cancel,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] = [
        Self::Draft,
        Self::PendingApproval,
        Self::Approved,
        Self::Rejected,
        Self::Sent,
        Self::PartiallyReceived,
        Self::Received,
        Self::Closed,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::PendingApproval => "pending_approval",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Sent => "sent",
            Self::PartiallyReceived => "partially_received",
            Self::Received => "received",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| AppError::internal(format!("unknown purchase order status {s}")))
    }

    pub fn transition(self, action: OrderAction) -> Result<Self, AppError> {
        use OrderAction as A;
        use OrderStatus as S;
        Ok(match (self, action) {
            (S::Draft | S::Rejected, A::Edit) => S::Draft,
            (S::Draft, A::Submit) => S::PendingApproval,
            (S::PendingApproval, A::Approve) => S::Approved,
            (S::PendingApproval, A::Reject) => S::Rejected,
            (S::Approved, A::Send) => S::Sent,
            // Goods may arrive before the order was formally sent (phoned in, say).
            (S::Approved | S::Sent | S::PartiallyReceived, A::ReceivePart) => S::PartiallyReceived,
            (S::Approved | S::Sent | S::PartiallyReceived, A::ReceiveAll) => S::Received,
            (S::Received, A::Close) => S::Closed,
            (S::Draft | S::PendingApproval | S::Approved | S::Rejected | S::Sent, A::Cancel) => S::Cancelled,
            (from, action) => {
                return Err(refused(
                    "purchase order",
                    &format!("{action:?}").to_lowercase(),
                    from.as_str(),
                ));
            }
        })
    }

    /// Goods may be announced, received, invoiced and paid for.
    pub fn is_open_for_receipt(self) -> bool {
        matches!(self, Self::Approved | Self::Sent | Self::PartiallyReceived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_table() {
        use RequestAction as A;
        use RequestStatus as S;
        assert_eq!(S::Draft.transition(A::Submit).unwrap(), S::PendingApproval);
        assert_eq!(S::Approved.transition(A::Order).unwrap(), S::Ordered);
        assert_eq!(S::Ordered.transition(A::Reopen).unwrap(), S::Approved);
        assert!(S::Approved.transition(A::Reopen).is_err());
        assert!(S::Cancelled.transition(A::Reopen).is_err());
        assert!(S::Draft.transition(A::Order).is_err());
        assert!(S::Ordered.transition(A::Cancel).is_err());
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
    }

    #[test]
    fn order_table() {
        use OrderAction as A;
        use OrderStatus as S;
        assert_eq!(S::Approved.transition(A::Send).unwrap(), S::Sent);
        assert_eq!(S::Sent.transition(A::ReceivePart).unwrap(), S::PartiallyReceived);
        assert_eq!(S::PartiallyReceived.transition(A::ReceiveAll).unwrap(), S::Received);
        assert_eq!(S::Received.transition(A::Close).unwrap(), S::Closed);
        assert!(S::Draft.transition(A::Send).is_err(), "an unapproved order is not sent");
        assert!(S::PartiallyReceived.transition(A::Cancel).is_err());
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()).unwrap(), s);
        }
    }
}
