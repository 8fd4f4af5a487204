//! Sales follow-up rules (DOMAIN.md process 3, seed 000 §2.7): marketing leads and the states
//! they go through, activity kinds, opportunity stages with their default probabilities and the
//! moves between them, who sees a lead, and the funnel's arithmetic. Free of I/O.

use crate::domain::money::currency_scale;
use crate::domain::visibility::{Scope, scope};
use chrono::NaiveDate;
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Validator};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    Assigned,
    Converted,
    Disqualified,
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
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Assigned => "assigned",
            LeadStatus::Converted => "converted",
            LeadStatus::Disqualified => "disqualified",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "new" => Ok(Self::New),
            "assigned" => Ok(Self::Assigned),
            "converted" => Ok(Self::Converted),
            "disqualified" => Ok(Self::Disqualified),
            other => Err(AppError::internal(format!("unknown lead status {other}"))),
        }
    }

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
            (S::New, A::Convert) => Err(AppError::Conflict {
                slug: "wrong-state",
                detail: "cannot convert a lead that is new; assign it to a salesperson first".into(),
            }),
            (from, action) => Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("cannot {} a lead that is {}", action.verb(), from.as_str()),
            }),
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

/// The directory's roles of someone who may be given leads, opportunities and customers.
pub fn is_seller(roles: &[String]) -> bool {
    roles.iter().any(|r| {
        matches!(
            r.as_str(),
            "sales" | "sales_manager" | "vice_president" | "general_manager"
        )
    })
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Visit,
    Email,
    Meeting,
    Note,
}

impl ActivityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Visit => "visit",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Note => "note",
        }
    }
}

pub const MAX_ATTACHMENTS: usize = 20;

/// Attachment references: at most 20, each a non-blank reference of at most 500 characters.
pub fn check_attachments(v: &mut Validator, attachments: &[String]) {
    v.check(
        attachments.len() <= MAX_ATTACHMENTS,
        "attachments",
        "must have at most 20 references",
    );
    for (i, a) in attachments.iter().enumerate() {
        let field = format!("attachments[{i}]");
        v.text(&field, a, 500);
    }
}

/// A next follow-up is planned on or after the day of the activity.
pub fn check_follow_up(v: &mut Validator, occurred_on: NaiveDate, next: Option<NaiveDate>) {
    if let Some(n) = next {
        v.check(
            n >= occurred_on,
            "next_follow_up",
            "must not be before the day of the activity",
        );
    }
}

/// An opportunity's stage: four open ones in order, then won or lost (final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Qualification,
    Needs,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Qualification,
        Stage::Needs,
        Stage::Proposal,
        Stage::Negotiation,
        Stage::Won,
        Stage::Lost,
    ];

    pub const OPEN: [Stage; 4] = [Stage::Qualification, Stage::Needs, Stage::Proposal, Stage::Negotiation];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Qualification => "qualification",
            Stage::Needs => "needs",
            Stage::Proposal => "proposal",
            Stage::Negotiation => "negotiation",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Stage::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| AppError::internal(format!("unknown opportunity stage {s}")))
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Won | Stage::Lost)
    }

    /// The probability (percent) an opportunity gets on entering the stage, unless given.
    pub fn default_probability(self) -> i32 {
        match self {
            Stage::Qualification => 10,
            Stage::Needs => 25,
            Stage::Proposal => 50,
            Stage::Negotiation => 75,
            Stage::Won => 100,
            Stage::Lost => 0,
        }
    }

    /// The transition table: between open stages forward or back, from any open stage to won
    /// or lost; won and lost are final, and staying where one is is no move.
    pub fn transition(self, to: Stage) -> Result<Stage, AppError> {
        if !self.is_open() {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the opportunity is {}; that is final", self.as_str()),
            });
        }
        if to == self {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the opportunity is already in {}", self.as_str()),
            });
        }
        Ok(to)
    }

    /// The probability after a move: won 100, lost 0, else the one given or the stage's default.
    pub fn probability_after_move(self, given: Option<i32>) -> i32 {
        if self.is_open() {
            given.unwrap_or(self.default_probability())
        } else {
            self.default_probability()
        }
    }
}

pub fn check_probability(v: &mut Validator, field: &str, p: Option<i32>) {
    if let Some(p) = p {
        v.check((0..=100).contains(&p), field, "must be between 0 and 100");
    }
}

/// An amount of `currency`: not negative, with no more decimals than the currency has (VND
/// none, the others 2). A currency crm does not know is reported on `currency_field`.
pub fn check_amount(v: &mut Validator, field: &str, currency_field: &str, amount: Decimal, currency: &str) {
    v.check(amount >= Decimal::ZERO, field, "must not be negative");
    match currency_scale(currency) {
        Some(scale) => {
            v.check(
                amount.normalize().scale() <= scale,
                field,
                if scale == 0 {
                    "must be a whole amount in this currency"
                } else {
                    "must have at most 2 decimal places"
                },
            );
        }
        None => {
            v.add(currency_field, "must be one of VND, CNY, USD, EUR");
        }
    }
}

/// `amount × probability / 100`, rounded half-up at the currency's scale.
pub fn weighted(amount: Decimal, probability: i32, currency: &str) -> Decimal {
    let scale = currency_scale(currency).unwrap_or(2);
    (amount * Decimal::from(probability) / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

/// Opportunities of one stage, currency and probability, as the database groups them.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelGroup {
    pub stage: Stage,
    pub currency: String,
    pub probability: i32,
    pub count: i64,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FunnelAmount {
    pub currency: String,
    /// The opportunities' amounts added up.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Each amount times its probability, added up: what the stage is expected to bring.
    #[schema(value_type = String)]
    pub weighted_amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FunnelStage {
    pub stage: Stage,
    pub count: i64,
    /// One entry per currency, in code order (amounts of different currencies are never added).
    pub amounts: Vec<FunnelAmount>,
}

/// Every stage in order, the empty ones too, with its count and per-currency totals.
pub fn funnel(groups: &[FunnelGroup]) -> Vec<FunnelStage> {
    Stage::ALL
        .into_iter()
        .map(|stage| {
            let mut by_currency: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
            let mut count = 0;
            for g in groups.iter().filter(|g| g.stage == stage) {
                count += g.count;
                let entry = by_currency.entry(g.currency.as_str()).or_default();
                entry.0 += g.amount;
                entry.1 += weighted(g.amount, g.probability, &g.currency);
            }
            FunnelStage {
                stage,
                count,
                amounts: by_currency
                    .into_iter()
                    .map(|(currency, (amount, weighted_amount))| FunnelAmount {
                        currency: currency.to_owned(),
                        amount,
                        weighted_amount,
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use erp_auth::SubjectKind;
    use rust_decimal_macros::dec;

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
    fn stage_transition_table() {
        for from in Stage::OPEN {
            for to in Stage::ALL {
                assert_eq!(from.transition(to).is_ok(), from != to, "{from:?} → {to:?}");
            }
        }
        for from in [Stage::Won, Stage::Lost] {
            for to in Stage::ALL {
                assert!(from.transition(to).is_err(), "{from:?} is final");
            }
        }
        assert_eq!(
            Stage::Negotiation.transition(Stage::Needs).unwrap(),
            Stage::Needs,
            "back"
        );
    }

    #[test]
    fn default_probabilities() {
        let p: Vec<i32> = Stage::ALL.iter().map(|s| s.default_probability()).collect();
        assert_eq!(p, vec![10, 25, 50, 75, 100, 0]);
        assert_eq!(Stage::Proposal.probability_after_move(Some(60)), 60);
        assert_eq!(Stage::Proposal.probability_after_move(None), 50);
        assert_eq!(Stage::Won.probability_after_move(Some(60)), 100);
        assert_eq!(Stage::Lost.probability_after_move(Some(60)), 0);
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
        assert!(is_seller(&["employee".into(), "sales".into()]));
        assert!(!is_seller(&["marketing".into()]));
    }

    #[test]
    fn amounts_follow_the_currency() {
        let mut v = Validator::new();
        check_amount(&mut v, "amount", "currency", dec!(1000000), "VND");
        check_amount(&mut v, "amount", "currency", dec!(10.50), "USD");
        check_amount(&mut v, "amount", "currency", dec!(10.500), "CNY");
        assert!(v.is_empty());
        for (amount, currency) in [
            (dec!(1.5), "VND"),
            (dec!(-1), "USD"),
            (dec!(1.001), "USD"),
            (dec!(1), "XXX"),
        ] {
            let mut v = Validator::new();
            check_amount(&mut v, "amount", "currency", amount, currency);
            assert!(!v.is_empty(), "{amount} {currency}");
        }
        let mut v = Validator::new();
        check_probability(&mut v, "probability", Some(101));
        check_attachments(&mut v, &["rec/1.mp3".into(), " ".into()]);
        match v.finish() {
            Err(AppError::Validation(errs)) => {
                let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, vec!["probability", "attachments[1]"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn follow_ups_are_not_planned_in_the_past() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let mut v = Validator::new();
        check_follow_up(&mut v, day, Some(day));
        check_follow_up(&mut v, day, None);
        assert!(v.is_empty());
        check_follow_up(&mut v, day, day.pred_opt());
        assert!(!v.is_empty());
    }

    #[test]
    fn weighted_amounts_round_half_up_at_the_currency_scale() {
        assert_eq!(weighted(dec!(1000001), 50, "VND"), dec!(500001));
        assert_eq!(weighted(dec!(10.01), 25, "USD"), dec!(2.50));
        assert_eq!(weighted(dec!(10.02), 25, "USD"), dec!(2.51));
        assert_eq!(weighted(dec!(999), 0, "USD"), dec!(0));
    }

    #[test]
    fn funnel_lists_every_stage_with_totals_per_currency() {
        let g = |stage, currency: &str, probability, count, amount| FunnelGroup {
            stage,
            currency: currency.into(),
            probability,
            count,
            amount,
        };
        let f = funnel(&[
            g(Stage::Qualification, "VND", 10, 2, dec!(30000000)),
            g(Stage::Qualification, "USD", 10, 1, dec!(1000.00)),
            g(Stage::Qualification, "VND", 40, 1, dec!(5000000)),
            g(Stage::Won, "VND", 100, 1, dec!(7000000)),
        ]);
        assert_eq!(f.len(), 6);
        assert_eq!(f[0].stage, Stage::Qualification);
        assert_eq!(f[0].count, 4);
        assert_eq!(
            f[0].amounts,
            vec![
                FunnelAmount {
                    currency: "USD".into(),
                    amount: dec!(1000.00),
                    weighted_amount: dec!(100.00)
                },
                FunnelAmount {
                    currency: "VND".into(),
                    amount: dec!(35000000),
                    weighted_amount: dec!(5000000)
                },
            ]
        );
        assert_eq!(f[1].count, 0);
        assert!(f[1].amounts.is_empty());
        assert_eq!(f[4].amounts[0].weighted_amount, dec!(7000000));
    }
}
