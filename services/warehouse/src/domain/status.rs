//! The documents' states and the transitions each action may make; anything else is refused.

use erp_problem::AppError;
use rust_decimal::Decimal;

erp_db::states! {
    /// An outbound note's state, which follows from its lines.
    pub enum OutboundStatus: "outbound" {
        Open = "open",
        PartiallyIssued = "partially_issued",
        Issued = "issued",
        Cancelled = "cancelled",
    }
}

impl OutboundStatus {
    /// Confirming issues and cancelling the rest only apply to notes still open.
    pub fn check_open(self, action: &str) -> Result<(), AppError> {
        match self {
            OutboundStatus::Open | OutboundStatus::PartiallyIssued => Ok(()),
            done => Err(AppError::wrong_state(format!(
                "cannot {action} an outbound note that is {}",
                done.as_str()
            ))),
        }
    }

    /// The state that follows from the lines: (requested, issued, cancelled) each.
    pub fn from_lines(lines: &[(Decimal, Decimal, Decimal)]) -> Self {
        let any_issued = lines.iter().any(|(_, i, _)| *i > Decimal::ZERO);
        let all_done = lines.iter().all(|(r, i, c)| i + c >= *r);
        match (all_done, any_issued) {
            (true, true) => OutboundStatus::Issued,
            (true, false) => OutboundStatus::Cancelled,
            (false, true) => OutboundStatus::PartiallyIssued,
            (false, false) => OutboundStatus::Open,
        }
    }
}

erp_db::states! {
    /// An inbound note's state.
    pub enum InboundStatus: "inbound" {
        Open = "open",
        Received = "received",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundAction {
    Confirm,
    Cancel,
}

impl InboundStatus {
    pub fn transition(self, action: InboundAction) -> Result<Self, AppError> {
        match (self, action) {
            (InboundStatus::Open, InboundAction::Confirm) => Ok(InboundStatus::Received),
            (InboundStatus::Open, InboundAction::Cancel) => Ok(InboundStatus::Cancelled),
            (from, action) => Err(AppError::wrong_state(format!(
                "cannot {} an inbound note that is {}",
                action.verb(),
                from.as_str()
            ))),
        }
    }
}

impl InboundAction {
    fn verb(self) -> &'static str {
        match self {
            InboundAction::Confirm => "confirm",
            InboundAction::Cancel => "cancel",
        }
    }
}

erp_db::states! {
    /// A stock count's state.
    pub enum CountStatus: "count" {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountAction {
    Record,
    Submit,
    Approve,
    Reject,
    Cancel,
}

impl CountStatus {
    /// The whole table: counted quantities are recorded on a draft, the draft is submitted, a
    /// manager approves (adjusting stock) or rejects (back to counting is a new count).
    pub fn transition(self, action: CountAction) -> Result<Self, AppError> {
        use CountAction as A;
        use CountStatus as S;
        match (self, action) {
            (S::Draft, A::Record) => Ok(S::Draft),
            (S::Draft, A::Submit) => Ok(S::Submitted),
            (S::Submitted, A::Approve) => Ok(S::Approved),
            (S::Submitted, A::Reject) => Ok(S::Rejected),
            (S::Draft | S::Submitted, A::Cancel) => Ok(S::Cancelled),
            (from, action) => Err(AppError::wrong_state(
                format!("cannot {action:?} a stock count that is {}", from.as_str()).to_lowercase(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn outbound_status_follows_lines() {
        assert_eq!(
            OutboundStatus::from_lines(&[(dec!(5), dec!(0), dec!(0))]),
            OutboundStatus::Open
        );
        assert_eq!(
            OutboundStatus::from_lines(&[(dec!(5), dec!(2), dec!(0))]),
            OutboundStatus::PartiallyIssued
        );
        assert_eq!(
            OutboundStatus::from_lines(&[(dec!(5), dec!(2), dec!(3))]),
            OutboundStatus::Issued
        );
        assert_eq!(
            OutboundStatus::from_lines(&[(dec!(5), dec!(0), dec!(5))]),
            OutboundStatus::Cancelled
        );
        assert_eq!(
            OutboundStatus::from_lines(&[(dec!(5), dec!(5), dec!(0)), (dec!(1), dec!(0), dec!(0))]),
            OutboundStatus::PartiallyIssued
        );
        assert!(OutboundStatus::Issued.check_open("confirm").is_err());
    }

    #[test]
    fn inbound_table() {
        assert_eq!(
            InboundStatus::Open.transition(InboundAction::Confirm).unwrap(),
            InboundStatus::Received
        );
        assert!(InboundStatus::Received.transition(InboundAction::Confirm).is_err());
        assert!(InboundStatus::Cancelled.transition(InboundAction::Confirm).is_err());
    }

    #[test]
    fn count_table() {
        use CountAction as A;
        use CountStatus as S;
        assert_eq!(S::Draft.transition(A::Submit).unwrap(), S::Submitted);
        assert_eq!(S::Submitted.transition(A::Approve).unwrap(), S::Approved);
        assert!(S::Draft.transition(A::Approve).is_err(), "a draft is not approved");
        assert!(S::Approved.transition(A::Approve).is_err(), "deciding twice");
        assert!(
            S::Submitted.transition(A::Record).is_err(),
            "no recounting after submit"
        );
        assert!(S::Approved.transition(A::Cancel).is_err());
    }

    #[test]
    fn stored_names() {
        assert_eq!(OutboundStatus::PartiallyIssued.as_str(), "partially_issued");
        assert_eq!(InboundStatus::parse("received").ok(), Some(InboundStatus::Received));
        assert!(CountStatus::parse_field("status", "lost").is_err());
    }
}
