//! Purchase orders: their states and the one table of moves.

use super::refused;
use erp_problem::AppError;

erp_db::states! {
    /// A purchase order's state.
    pub enum OrderStatus: "purchase order" {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Rejected = "rejected",
        Sent = "sent",
        PartiallyReceived = "partially_received",
        Received = "received",
        Closed = "closed",
        Cancelled = "cancelled",
    }
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

    /// Money may be asked for and invoices entered and settled: approved, sent and (partially)
    /// received orders.
    pub fn is_open_for_settlement(self) -> bool {
        self.is_open_for_receipt() || self == Self::Received
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(S::parse(s.as_str()).unwrap(), *s);
        }
        assert!(S::Received.is_open_for_settlement() && !S::Received.is_open_for_receipt());
        assert!(!S::Closed.is_open_for_settlement());
    }
}
