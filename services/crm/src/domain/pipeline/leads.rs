//! Marketing leads: their channels, the states they go through, who sees them and who may act
//! on them.

use crate::domain::visibility::{Scope, scope};
use erp_auth::{CurrentUser, Role};
use erp_problem::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where marketing found the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadChannel {
    Seo,
    GoogleAds,
    Facebook,
    Zalo,
    Website,
    Exhibition,
    Referral,
}

impl LeadChannel {
    pub const ALL: [LeadChannel; 7] = [
        LeadChannel::Seo,
        LeadChannel::GoogleAds,
        LeadChannel::Facebook,
        LeadChannel::Zalo,
        LeadChannel::Website,
        LeadChannel::Exhibition,
        LeadChannel::Referral,
    ];

    /// A client's filter value (either case); another is a 422 on `field` naming the channels.
    pub fn parse_field(field: &str, s: &str) -> Result<Self, AppError> {
        let s = s.trim().to_lowercase();
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
            AppError::validation(field, format!("must be one of {}", names.join(", ")))
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LeadChannel::Seo => "seo",
            LeadChannel::GoogleAds => "google_ads",
            LeadChannel::Facebook => "facebook",
            LeadChannel::Zalo => "zalo",
            LeadChannel::Website => "website",
            LeadChannel::Exhibition => "exhibition",
            LeadChannel::Referral => "referral",
        }
    }
}

erp_db::states! {
    /// A lead's state.
    pub enum LeadStatus: "lead" {
        New = "new",
        Assigned = "assigned",
        Converted = "converted",
        Disqualified = "disqualified",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadAction {
    /// Give the lead to a salesperson (again, while it is still open).
    Assign,
    Convert,
    Disqualify,
    /// Correct its details.
    Edit,
}

impl LeadAction {
    fn verb(self) -> &'static str {
        match self {
            LeadAction::Assign => "assign",
            LeadAction::Convert => "convert",
            LeadAction::Disqualify => "disqualify",
            LeadAction::Edit => "change",
        }
    }
}

impl LeadStatus {
    /// The transition table: `new → assigned → converted`, `new | assigned → disqualified`, an
    /// open lead may be given to someone else; anything else is refused.
    pub fn transition(self, action: LeadAction) -> Result<Self, AppError> {
        use LeadAction as A;
        use LeadStatus as S;
        match (self, action) {
            (S::New | S::Assigned, A::Assign) => Ok(S::Assigned),
            (S::Assigned, A::Convert) => Ok(S::Converted),
            (S::New | S::Assigned, A::Disqualify) => Ok(S::Disqualified),
            (s @ (S::New | S::Assigned), A::Edit) => Ok(s),
            (S::New, A::Convert) => Err(AppError::wrong_state(
                "cannot convert a lead that is new; assign it to a salesperson first",
            )),
            (from, action) => Err(AppError::wrong_state(format!(
                "cannot {} a lead that is {from}",
                action.verb()
            ))),
        }
    }
}

/// Roles that work with leads at all.
pub const LEAD_ROLES: [Role; 5] = [
    Role::Marketing,
    Role::Sales,
    Role::SalesManager,
    Role::VicePresident,
    Role::GeneralManager,
];

/// Managers who may act on any lead they see.
const LEAD_MANAGERS: [Role; 3] = [Role::SalesManager, Role::VicePresident, Role::GeneralManager];

/// Who sees which leads: the general manager and vice presidents all; a sales manager its
/// department's (the assignee's department), the unassigned ones waiting to be handed out and
/// its own; marketing and sales those they created or were given. Finance sees customers, not
/// leads.
pub fn lead_scope(user: &CurrentUser) -> Scope {
    if user.has_any_role(&[Role::GeneralManager, Role::VicePresident]) {
        return Scope::All;
    }
    if !user.has_any_role(&LEAD_ROLES) {
        return Scope::Nothing;
    }
    match scope(user) {
        // Finance with a selling role: only the selling role counts here.
        Scope::All if user.has_role(Role::SalesManager) => Scope::Department {
            department: user.department_id,
            me: user.id,
        },
        Scope::All | Scope::Nothing => Scope::Own(user.id),
        s => s,
    }
}

/// The parts of a lead visibility looks at.
#[derive(Debug, Clone, Copy)]
pub struct LeadParties {
    pub created_by: Uuid,
    pub assigned_to: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

pub fn sees_lead(scope: Scope, lead: LeadParties) -> bool {
    match scope {
        Scope::All => true,
        Scope::Department { department, me } => {
            lead.created_by == me
                || lead.assigned_to == Some(me)
                || lead.assigned_to.is_none()
                || (department.is_some() && lead.department_id == department)
        }
        Scope::Own(me) => lead.created_by == me || lead.assigned_to == Some(me),
        Scope::Nothing => false,
    }
}

pub fn may_assign(user: &CurrentUser) -> bool {
    user.has_any_role(&[
        Role::Marketing,
        Role::SalesManager,
        Role::GeneralManager,
        Role::VicePresident,
    ])
}

/// Converting: the assigned salesperson, or a manager who sees the lead.
pub fn may_convert(user: &CurrentUser, lead: LeadParties) -> bool {
    user.has_any_role(&LEAD_MANAGERS)
        || (lead.assigned_to == Some(user.id) && user.has_any_role(&[Role::Sales, Role::SalesManager]))
}

/// Disqualifying: whoever may convert; while nobody has it yet, also its creator.
pub fn may_disqualify(user: &CurrentUser, lead: LeadParties, status: LeadStatus) -> bool {
    may_convert(user, lead) || (status == LeadStatus::New && lead.created_by == user.id)
}

/// Correcting the details: its creator, its assignee, or a manager.
pub fn may_edit(user: &CurrentUser, lead: LeadParties) -> bool {
    may_convert(user, lead) || lead.created_by == user.id
}

/// Name, contact, phone and e-mail folded for search.
pub fn lead_search_text(name: &str, contact: Option<&str>, phone: Option<&str>, email: Option<&str>) -> String {
    erp_db::fold_search(&format!(
        "{name} {} {} {}",
        contact.unwrap_or(""),
        phone.unwrap_or(""),
        email.unwrap_or("")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use erp_auth::SubjectKind;

    fn user(roles: &[Role], dept: Option<Uuid>) -> CurrentUser {
        CurrentUser {
            id: Uuid::now_v7(),
            kind: SubjectKind::Employee,
            code: "x".into(),
            name: "x".into(),
            department_id: dept,
            manager_id: None,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn lead_transition_table() {
        use LeadAction as A;
        use LeadStatus as S;
        assert_eq!(S::New.transition(A::Assign).unwrap(), S::Assigned);
        assert_eq!(S::Assigned.transition(A::Assign).unwrap(), S::Assigned, "reassigning");
        assert_eq!(S::Assigned.transition(A::Convert).unwrap(), S::Converted);
        assert_eq!(S::New.transition(A::Disqualify).unwrap(), S::Disqualified);
        assert_eq!(S::Assigned.transition(A::Disqualify).unwrap(), S::Disqualified);
        assert!(S::New.transition(A::Convert).is_err(), "nobody to own the customer yet");
        for done in [S::Converted, S::Disqualified] {
            for a in [A::Assign, A::Convert, A::Disqualify, A::Edit] {
                match done.transition(a) {
                    Err(AppError::Conflict { slug, .. }) => assert_eq!(slug, "wrong-state"),
                    other => panic!("{done:?} {a:?}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn lead_visibility() {
        let d1 = Some(Uuid::now_v7());
        let d2 = Some(Uuid::now_v7());
        let marketing = user(&[Role::Marketing], None);
        let sales = user(&[Role::Sales], d1);
        let colleague = user(&[Role::Sales], d1);
        let manager = user(&[Role::SalesManager], d1);
        let other_manager = user(&[Role::SalesManager], d2);
        let lead = LeadParties {
            created_by: marketing.id,
            assigned_to: Some(sales.id),
            department_id: d1,
        };
        assert!(sees_lead(lead_scope(&marketing), lead));
        assert!(sees_lead(lead_scope(&sales), lead));
        assert!(!sees_lead(lead_scope(&colleague), lead));
        assert!(sees_lead(lead_scope(&manager), lead));
        assert!(!sees_lead(lead_scope(&other_manager), lead));
        assert!(sees_lead(lead_scope(&user(&[Role::GeneralManager], None)), lead));
        assert!(!sees_lead(lead_scope(&user(&[Role::FinanceManager], None)), lead));
        assert!(!sees_lead(lead_scope(&user(&[Role::WarehouseKeeper], d1)), lead));
        let unassigned = LeadParties {
            assigned_to: None,
            department_id: None,
            ..lead
        };
        assert!(
            sees_lead(lead_scope(&other_manager), unassigned),
            "managers see leads waiting to be handed out"
        );
        assert!(!sees_lead(lead_scope(&colleague), unassigned));
        assert!(!sees_lead(lead_scope(&user(&[Role::Marketing], None)), unassigned));
        // Finance who also sells sees leads as a salesperson does.
        let finance_sales = user(&[Role::FinanceManager, Role::Sales], d1);
        assert_eq!(lead_scope(&finance_sales), Scope::Own(finance_sales.id));
    }

    #[test]
    fn lead_actors() {
        let marketing = user(&[Role::Marketing], None);
        let sales = user(&[Role::Sales], None);
        let lead = LeadParties {
            created_by: marketing.id,
            assigned_to: Some(sales.id),
            department_id: None,
        };
        assert!(may_assign(&marketing));
        assert!(!may_assign(&sales));
        assert!(!may_convert(&marketing, lead), "marketing hands over, sales converts");
        assert!(may_convert(&sales, lead));
        assert!(!may_convert(&user(&[Role::Sales], None), lead), "not the assignee");
        assert!(may_convert(&user(&[Role::SalesManager], None), lead));
        assert!(may_disqualify(&marketing, lead, LeadStatus::New));
        assert!(!may_disqualify(&marketing, lead, LeadStatus::Assigned));
        assert!(may_edit(&marketing, lead));
    }
}
