//! Marketing leads (seed 000 §2.7): marketing captures them from its channels and hands them to
//! a salesperson, who converts them into a customer (and maybe an opportunity) or disqualifies
//! them. Who sees and may act on which lead is `domain::pipeline`'s.

mod convert;

pub use convert::{Conversion, ConvertLeadInput, ConvertOpportunityInput, convert};

use crate::app::opportunities::{check_reach, directory_seller};
use crate::db::leads::{self, Assignee, Lead, LeadDetails, LeadOrigin};
use crate::domain::customer::{self, CustomerKind};
use crate::domain::pipeline::{
    self, LeadAction, LeadChannel, LeadStatus, lead_scope, may_assign, may_disqualify, may_edit,
};
use diesel::PgConnection;
use erp_auth::{CurrentUser, Role};
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator, clean};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::db::leads::LeadFilter;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LeadInput {
    pub channel: LeadChannel,
    #[serde(default = "default_kind")]
    pub kind: CustomerKind,
    /// The company's or the person's name.
    pub name: String,
    pub contact_name: Option<String>,
    /// A phone or an e-mail is needed to follow the lead up.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// What the lead is looking for.
    pub need: Option<String>,
    /// Required on update.
    pub version: Option<i64>,
}

fn default_kind() -> CustomerKind {
    CustomerKind::Company
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignLeadInput {
    /// An active salesperson from the directory; a sales manager assigns within its department.
    pub assignee_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DisqualifyLeadInput {
    pub reason: String,
}

impl LeadInput {
    /// The details checked (422 naming each bad field) and cleaned.
    pub fn validate(self) -> Result<LeadDetails, AppError> {
        let l = self;
        let mut v = Validator::new();
        v.text("name", &l.name, 300);
        let contact_name = clean(l.contact_name.as_deref());
        v.optional_text("contact_name", contact_name.as_deref(), 200);
        let phone = clean(l.phone.as_deref());
        v.optional_text("phone", phone.as_deref(), 40);
        let email = clean(l.email.as_deref()).map(|e| e.to_lowercase());
        customer::check_email(&mut v, "email", email.as_deref());
        v.check(
            phone.is_some() || email.is_some(),
            "phone",
            "a phone or an e-mail is needed to follow the lead up",
        );
        let need = clean(l.need.as_deref());
        v.optional_text("need", need.as_deref(), 4000);
        v.finish()?;
        let name = l.name.trim().to_owned();
        Ok(LeadDetails {
            search_text: pipeline::lead_search_text(&name, contact_name.as_deref(), phone.as_deref(), email.as_deref()),
            channel: l.channel.as_str(),
            kind: l.kind.as_str(),
            name,
            contact_name,
            phone,
            email,
            need,
        })
    }
}

impl DisqualifyLeadInput {
    /// The reason, trimmed and checked.
    pub fn validate(self) -> Result<String, AppError> {
        let reason = self.reason.trim().to_owned();
        let mut v = Validator::new();
        v.text("reason", &reason, 1000);
        v.finish()?;
        Ok(reason)
    }
}

pub fn list(
    c: &mut PgConnection,
    actor: &CurrentUser,
    filter: &LeadFilter,
    paging: &Paging,
) -> Result<Page<Lead>, AppError> {
    let rows = leads::list(c, lead_scope(actor), filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<Lead, AppError> {
    leads::visible(c, lead_scope(actor), id)
}

/// Records a lead. A salesperson's own lead is assigned to it at once; marketing's (and
/// managers') leads wait as `new` until assigned.
pub fn create(c: &mut PgConnection, actor: &CurrentUser, details: &LeadDetails) -> Result<Lead, AppError> {
    let own = !may_assign(actor) && actor.has_role(Role::Sales);
    let origin = if own {
        let department_id = erp_directory::find(c, actor.id)?
            .and_then(|e| e.department_id)
            .or(actor.department_id);
        LeadOrigin {
            status: LeadStatus::Assigned,
            created_by: actor.id,
            created_by_name: actor.name.clone(),
            assigned_to: Some(actor.id),
            assigned_to_name: Some(actor.name.clone()),
            department_id,
            assigned_at: Some(chrono::Utc::now()),
        }
    } else {
        LeadOrigin {
            status: LeadStatus::New,
            created_by: actor.id,
            created_by_name: actor.name.clone(),
            assigned_to: None,
            assigned_to_name: None,
            department_id: None,
            assigned_at: None,
        }
    };
    leads::insert(c, details, &origin)
}

/// Corrects a lead's details while it is open: its creator, its assignee or a manager.
pub fn update(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    version: i64,
    details: &LeadDetails,
) -> Result<Lead, AppError> {
    let current = leads::lock_visible(c, lead_scope(actor), id)?;
    if !may_edit(actor, current.parties()) {
        return Err(AppError::Forbidden(
            "only its creator, its salesperson or a manager changes a lead".into(),
        ));
    }
    current.status.transition(LeadAction::Edit)?;
    if current.version != version {
        return Err(AppError::stale_version("the lead"));
    }
    leads::update_details(c, id, details)
}

/// Hands the lead to an active salesperson: marketing, a sales manager (within its department),
/// the general manager or a vice president.
pub fn assign(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, assignee: Uuid) -> Result<Lead, AppError> {
    let current = leads::lock_visible(c, lead_scope(actor), id)?;
    if !may_assign(actor) {
        return Err(AppError::Forbidden(
            "marketing and managers hand leads to salespeople".into(),
        ));
    }
    let next = current.status.transition(LeadAction::Assign)?;
    let employee = directory_seller(c, assignee, "assignee_id")?;
    check_reach(actor, &employee, "assignee_id")?;
    leads::assign(
        c,
        id,
        next,
        &Assignee {
            id: employee.id,
            name: &employee.name,
            department_id: employee.department_id,
        },
    )
}

/// Closes a lead as not worth following, with the reason: the assigned salesperson or a
/// manager; while it is new, also the one who recorded it.
pub fn disqualify(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, reason: &str) -> Result<Lead, AppError> {
    let current = leads::lock_visible(c, lead_scope(actor), id)?;
    if !may_disqualify(actor, current.parties(), current.status) {
        return Err(AppError::Forbidden(
            "only the lead's salesperson or a manager disqualifies it".into(),
        ));
    }
    let next = current.status.transition(LeadAction::Disqualify)?;
    leads::disqualify(c, id, next, reason, actor.id)
}
