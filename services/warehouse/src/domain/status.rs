//! The documents' states and the transitions each action may make; anything else is refused.

use erp_problem::AppError;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboundStatus {
    Open,
    PartiallyIssued,
    Issued,
    Cancelled,
}

impl OutboundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboundStatus::Open => "open",
            OutboundStatus::PartiallyIssued => "partially_issued",
            OutboundStatus::Issued => "issued",
            OutboundStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "open" => Ok(Self::Open),
            "partially_issued" => Ok(Self::PartiallyIssued),
            "issued" => Ok(Self::Issued),
            "cancelled" => Ok(Self::Cancelled),
            other => Err(AppError::internal(format!("unknown outbound status {other}"))),
        }
    }

    /// Confirming issues and cancelling the rest only apply to notes still open.
    pub fn check_open(self, action: &str) -> Result<(), AppError> {
        match self {
            OutboundStatus::Open | OutboundStatus::PartiallyIssued => Ok(()),
            done => Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("cannot {action} an outbound note that is {}", done.as_str()),
            }),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundStatus {
    Open,
    Received,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundAction {
    Confirm,
    Cancel,
}

impl InboundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InboundStatus::Open => "open",
            InboundStatus::Received => "received",
            InboundStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "open" => Ok(Self::Open),
            "received" => Ok(Self::Received),
            "cancelled" => Ok(Self::Cancelled),
            other => Err(AppError::internal(format!("unknown inbound status {other}"))),
        }
    }

    pub fn transition(self, action: InboundAction) -> Result<Self, AppError> {
        match (self, action) {
            (InboundStatus::Open, InboundAction::Confirm) => Ok(InboundStatus::Received),
            (InboundStatus::Open, InboundAction::Cancel) => Ok(InboundStatus::Cancelled),
            (from, action) => Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("cannot {} an inbound note that is {}", action.verb(), from.as_str()),
            }),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Cancelled,
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
    pub fn as_str(self) -> &'static str {
        match self {
            CountStatus::Draft => "draft",
            CountStatus::Submitted => "submitted",
            CountStatus::Approved => "approved",
            CountStatus::Rejected => "rejected",
            CountStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "draft" => Ok(Self::Draft),
            "submitted" => Ok(Self::Submitted),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            "cancelled" => Ok(Self::Cancelled),
            other => Err(AppError::internal(format!("unknown count status {other}"))),
        }
    }

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
            (from, action) => Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("cannot {action:?} a stock count that is {}", from.as_str()).to_lowercase(),
            }),
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
}
