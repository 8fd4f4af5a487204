//! Purchase requests: their states and the one table of moves, where they come from, and who
//! sees and changes them.

use super::refused;
use super::roles::{BUYERS, REQUEST_SEE_ALL, REQUESTERS};
use erp_auth::{CurrentUser, Role};
use erp_problem::AppError;
use uuid::Uuid;

erp_db::states! {
    /// A purchase request's state.
    pub enum RequestStatus: "purchase request" {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Ordered = "ordered",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
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

/// The source of the requests made from warehouse's shortages (from its events only).
pub const STOCK_SHORTAGE: &str = "stock_shortage";
/// Sources a person may give.
pub const MANUAL_SOURCES: [&str; 4] = ["manual", "technical_spec", "project", "production_shortage"];
/// Every source.
pub const ALL_SOURCES: [&str; 5] = [
    "manual",
    STOCK_SHORTAGE,
    "production_shortage",
    "technical_spec",
    "project",
];

/// Which requests a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// The caller's own requests; a warehouse keeper also the warehouse's shortages.
    Own {
        user: Uuid,
        shortages: bool,
    },
    Nothing,
}

impl Scope {
    pub fn of(user: &CurrentUser) -> Scope {
        if user.has_any_role(&REQUEST_SEE_ALL) {
            Scope::All
        } else if user.has_any_role(&REQUESTERS) {
            Scope::Own {
                user: user.id,
                shortages: user.has_role(Role::WarehouseKeeper),
            }
        } else {
            Scope::Nothing
        }
    }

    /// Whether the scope sees a request of `requester_id` from `source`.
    pub fn sees(self, requester_id: Option<Uuid>, source: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Own { user, shortages } => requester_id == Some(user) || (shortages && source == STOCK_SHORTAGE),
            Scope::Nothing => false,
        }
    }
}

/// Buyers change any request; the others only their own.
pub fn check_may_change(user: &CurrentUser, requester_id: Option<Uuid>) -> Result<(), AppError> {
    if user.has_any_role(&BUYERS) || (user.has_any_role(&REQUESTERS) && requester_id == Some(user.id)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only buyers and the requester change a purchase request".into(),
        ))
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
            assert_eq!(S::parse(s.as_str()).unwrap(), *s);
        }
    }

    #[test]
    fn requesters_see_their_own_and_keepers_the_shortages() {
        let me = Uuid::now_v7();
        let own = Scope::Own {
            user: me,
            shortages: true,
        };
        assert!(own.sees(Some(me), "manual"));
        assert!(own.sees(None, STOCK_SHORTAGE));
        assert!(!own.sees(Some(Uuid::now_v7()), "manual"));
        assert!(
            !Scope::Own {
                user: me,
                shortages: false
            }
            .sees(None, STOCK_SHORTAGE)
        );
        assert!(Scope::All.sees(None, "project"));
        assert!(!Scope::Nothing.sees(Some(me), "manual"));
    }
}
