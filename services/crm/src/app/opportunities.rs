//! Opportunities: a possible deal with a customer, moved through the stages qualification →
//! needs → proposal → negotiation → won | lost, and the funnel leaders read. Visible as the
//! customers are on the selling side: a salesperson its own, a sales manager its department's,
//! the general manager and vice presidents all.

use crate::db::customers::{self, Customer};
use crate::db::opportunities::{
    self, NewOpportunity, Opportunity, OpportunityChange, OpportunityWithCustomer, StageChange,
};
use crate::domain::pipeline::{self, FunnelStage, Stage};
use crate::domain::visibility::{Scope, selling_scope};
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::{CurrentUser, Role};
use erp_db::{Page, Paging};
use erp_directory::DirectoryEmployee;
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::db::opportunities::OpportunityFilter;

#[derive(Debug, Deserialize, ToSchema)]
pub struct OpportunityInput {
    pub customer_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// ISO 4217; the customer's currency when absent.
    pub currency: Option<String>,
    /// An open stage; qualification when absent.
    pub stage: Option<Stage>,
    /// Percent; the stage's default when absent (10/25/50/75).
    pub probability: Option<i32>,
    pub expected_close_date: Option<NaiveDate>,
    /// The customer's owner when absent; only managers name someone else.
    pub owner_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OpportunityUpdate {
    pub name: String,
    pub description: Option<String>,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// Percent; unchanged when absent.
    pub probability: Option<i32>,
    pub expected_close_date: Option<NaiveDate>,
    /// Unchanged when absent; only managers name someone else.
    pub owner_id: Option<Uuid>,
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StageMoveInput {
    pub stage: Stage,
    /// Required when the opportunity is lost.
    pub reason: Option<String>,
    /// Percent for an open stage; the stage's default when absent. Won is 100, lost 0.
    pub probability: Option<i32>,
}

impl OpportunityInput {
    /// The input checked (422 naming each bad field) and cleaned; an amount without a currency
    /// is checked against the customer's currency by [`create`].
    pub fn validate(mut self) -> Result<Self, AppError> {
        let mut v = Validator::new();
        v.text("name", &self.name, 300);
        self.description = clean(self.description.as_deref());
        v.optional_text("description", self.description.as_deref(), 4000);
        let stage = self.stage.unwrap_or(Stage::Qualification);
        v.check(stage.is_open(), "stage", "an opportunity opens in an open stage");
        pipeline::check_probability(&mut v, "probability", self.probability);
        self.currency = self.currency.map(|c| c.trim().to_uppercase());
        if let Some(cur) = &self.currency {
            pipeline::check_amount(&mut v, "amount", "currency", self.amount, cur);
        }
        v.finish()?;
        self.name = self.name.trim().to_owned();
        self.stage = Some(stage);
        Ok(self)
    }
}

impl OpportunityUpdate {
    /// The input checked (422 naming each bad field) and cleaned.
    pub fn validate(mut self) -> Result<Self, AppError> {
        let mut v = Validator::new();
        v.text("name", &self.name, 300);
        self.description = clean(self.description.as_deref());
        v.optional_text("description", self.description.as_deref(), 4000);
        pipeline::check_probability(&mut v, "probability", self.probability);
        self.currency = self.currency.trim().to_uppercase();
        pipeline::check_amount(&mut v, "amount", "currency", self.amount, &self.currency);
        v.finish()?;
        self.name = self.name.trim().to_owned();
        Ok(self)
    }
}

impl StageMoveInput {
    /// The input checked (422 naming each bad field) and cleaned.
    pub fn validate(mut self) -> Result<Self, AppError> {
        self.reason = clean(self.reason.as_deref());
        let mut v = Validator::new();
        if self.stage == Stage::Lost {
            v.check(self.reason.is_some(), "reason", "a lost opportunity needs the reason");
        }
        v.optional_text("reason", self.reason.as_deref(), 1000);
        pipeline::check_probability(&mut v, "probability", self.probability);
        v.finish()?;
        Ok(self)
    }
}

/// An opportunity with every stage it entered, oldest first.
#[derive(Debug, Clone)]
pub struct OpportunityView {
    pub item: OpportunityWithCustomer,
    pub stages: Vec<StageChange>,
}

/// An active employee who sells, from the directory, else a 422 on `field`.
pub(crate) fn directory_seller(conn: &mut PgConnection, id: Uuid, field: &str) -> Result<DirectoryEmployee, AppError> {
    let e = erp_directory::find(conn, id)?
        .filter(|e| e.active)
        .ok_or_else(|| AppError::validation(field, "no such active employee"))?;
    if !pipeline::is_seller(&e.roles) {
        return Err(AppError::validation(field, "is not a salesperson"));
    }
    Ok(e)
}

/// A sales manager hands work only to its own department; the general manager, vice presidents
/// (and marketing, for leads) to anyone.
pub(crate) fn check_reach(user: &CurrentUser, employee: &DirectoryEmployee, field: &str) -> Result<(), AppError> {
    if user.has_role(Role::SalesManager)
        && !user.has_any_role(&[Role::GeneralManager, Role::VicePresident, Role::Marketing])
        && employee.department_id != user.department_id
    {
        return Err(AppError::validation(field, "must be in your department"));
    }
    Ok(())
}

/// The owner an opportunity gets: the customer's owner unless a manager names someone else.
fn resolve_owner(
    conn: &mut PgConnection,
    user: &CurrentUser,
    customer: &Customer,
    owner: Option<Uuid>,
) -> Result<(Uuid, Option<Uuid>), AppError> {
    match owner {
        None => Ok((customer.owner_id, customer.department_id)),
        Some(o) if o == customer.owner_id => Ok((customer.owner_id, customer.department_id)),
        Some(o) => {
            if !user.has_any_role(&[Role::SalesManager, Role::GeneralManager, Role::VicePresident]) {
                return Err(AppError::Forbidden(
                    "only managers give an opportunity to someone other than the customer's owner".into(),
                ));
            }
            let e = directory_seller(conn, o, "owner_id")?;
            check_reach(user, &e, "owner_id")?;
            Ok((e.id, e.department_id))
        }
    }
}

/// The opportunity with its customer and stage history, if `scope` sees it.
fn view(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<OpportunityView, AppError> {
    let opportunity = opportunities::visible(c, scope, id)?;
    let (customer_code, customer_name) = customers::code_and_name(c, opportunity.customer_id)?;
    Ok(OpportunityView {
        stages: opportunities::stage_history(c, id)?,
        item: OpportunityWithCustomer {
            opportunity,
            customer_code,
            customer_name,
        },
    })
}

pub fn list(
    c: &mut PgConnection,
    actor: &CurrentUser,
    filter: &OpportunityFilter,
    paging: &Paging,
) -> Result<Page<OpportunityWithCustomer>, AppError> {
    let rows = opportunities::list(c, selling_scope(actor), filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.opportunity.id))
}

/// Every stage with what `actor` sees, narrowed to an owner or a department when given.
pub fn funnel(
    c: &mut PgConnection,
    actor: &CurrentUser,
    owner: Option<Uuid>,
    department: Option<Uuid>,
) -> Result<Vec<FunnelStage>, AppError> {
    let groups = opportunities::funnel_groups(c, selling_scope(actor), owner, department)?;
    Ok(pipeline::funnel(&groups))
}

pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<OpportunityView, AppError> {
    view(c, selling_scope(actor), id)
}

/// Opens an opportunity for a customer one sees (validated by [`OpportunityInput::validate`]).
pub fn create(c: &mut PgConnection, actor: &CurrentUser, o: &OpportunityInput) -> Result<OpportunityView, AppError> {
    let customer = customers::visible_customer(c, selling_scope(actor), o.customer_id)?;
    if !customer.active {
        return Err(AppError::validation("customer_id", "the customer is deactivated"));
    }
    let currency = o.currency.clone().unwrap_or_else(|| customer.currency.clone());
    let mut v = Validator::new();
    pipeline::check_amount(&mut v, "amount", "currency", o.amount, &currency);
    v.finish()?;
    let (owner_id, department_id) = resolve_owner(c, actor, &customer, o.owner_id)?;
    let stage = o.stage.unwrap_or(Stage::Qualification);
    let row = opportunities::insert(
        c,
        &NewOpportunity {
            customer_id: customer.id,
            name: o.name.clone(),
            description: o.description.clone(),
            stage,
            amount: o.amount,
            currency,
            probability: o.probability.unwrap_or(stage.default_probability()),
            expected_close_date: o.expected_close_date,
            owner_id,
            department_id,
            lead_id: None,
            created_by: actor.id,
        },
    )?;
    // The creator may have given it to someone outside its own scope.
    view(c, Scope::All, row.id)
}

/// Changes an open opportunity (validated by [`OpportunityUpdate::validate`]).
pub fn update(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    o: &OpportunityUpdate,
) -> Result<OpportunityView, AppError> {
    let current: Opportunity = opportunities::lock_visible(c, selling_scope(actor), id)?;
    current.stage.check_open()?;
    if current.version != o.version {
        return Err(AppError::stale_version("the opportunity"));
    }
    let (owner_id, department_id) = match o.owner_id {
        Some(owner) if owner != current.owner_id => {
            let customer = customers::visible_customer(c, Scope::All, current.customer_id)?;
            resolve_owner(c, actor, &customer, Some(owner))?
        }
        _ => (current.owner_id, current.department_id),
    };
    opportunities::update(
        c,
        id,
        &OpportunityChange {
            name: o.name.clone(),
            description: o.description.clone(),
            amount: o.amount,
            currency: o.currency.clone(),
            probability: o.probability.unwrap_or(current.probability),
            expected_close_date: o.expected_close_date,
            owner_id,
            department_id,
        },
    )?;
    view(c, Scope::All, id)
}

/// Moves the opportunity through its transition table and records the move in its history.
pub fn move_stage(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    m: &StageMoveInput,
) -> Result<OpportunityView, AppError> {
    let current = opportunities::lock_visible(c, selling_scope(actor), id)?;
    let from = current.stage;
    let to = from.transition(m.stage)?;
    let probability = to.probability_after_move(m.probability);
    opportunities::move_stage(c, id, to, probability, m.reason.as_deref())?;
    opportunities::record_stage(c, id, Some(from), to, probability, m.reason.as_deref(), actor.id)?;
    view(c, Scope::All, id)
}
