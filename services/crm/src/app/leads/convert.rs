//! Converting a lead: a customer owned by its salesperson, the lead's contact person as the
//! first contact, and optionally an opportunity.

use crate::app::customers::{check_currency, default_grade};
use crate::db::customers::{self, Customer, CustomerValues, NewContact, Owner};
use crate::db::leads::{self, Lead};
use crate::db::opportunities::{self, NewOpportunity, Opportunity};
use crate::domain::customer::{self, CustomerKind, Grade, PaymentTerms};
use crate::domain::pipeline::{self, LeadAction, Stage, lead_scope, may_convert};
use crate::domain::visibility::Scope;
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The customer a lead becomes: its name, kind, phone and e-mail come from the lead unless
/// given here; the owner is the assigned salesperson.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConvertLeadInput {
    pub code: String,
    pub name: Option<String>,
    pub kind: Option<CustomerKind>,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    #[serde(default = "default_grade")]
    pub grade: Grade,
    #[serde(default)]
    #[schema(value_type = String)]
    pub credit_limit: Decimal,
    /// ISO 4217: VND, CNY, USD, EUR.
    pub currency: String,
    pub payment_terms: PaymentTerms,
    #[serde(default)]
    pub payment_days: i32,
    /// An opportunity to open for the new customer at once.
    pub opportunity: Option<ConvertOpportunityInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConvertOpportunityInput {
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// The customer's currency when absent.
    pub currency: Option<String>,
    /// Percent; the stage's default (qualification: 10) when absent.
    pub probability: Option<i32>,
    pub expected_close_date: Option<NaiveDate>,
}

impl ConvertLeadInput {
    /// The input checked (422 naming each bad field, the opportunity's as `opportunity.*`) and
    /// cleaned: blank texts are absent, the opportunity's currency is the customer's unless given.
    pub fn validate(mut self) -> Result<Self, AppError> {
        let mut v = Validator::new();
        self.code = self.code.trim().to_owned();
        customer::check_code(&mut v, "code", &self.code);
        self.name = clean(self.name.as_deref());
        v.optional_text("name", self.name.as_deref(), 300);
        self.currency = check_currency(&mut v, &self.currency);
        customer::check_credit(&mut v, self.credit_limit, self.payment_terms, self.payment_days);
        self.tax_number = clean(self.tax_number.as_deref());
        v.optional_text("tax_number", self.tax_number.as_deref(), 50);
        self.address = clean(self.address.as_deref());
        if let Some(o) = &mut self.opportunity {
            v.text("opportunity.name", &o.name, 300);
            o.name = o.name.trim().to_owned();
            o.description = clean(o.description.as_deref());
            v.optional_text("opportunity.description", o.description.as_deref(), 4000);
            let currency = o
                .currency
                .as_deref()
                .map(|c| c.trim().to_uppercase())
                .unwrap_or_else(|| self.currency.clone());
            pipeline::check_amount(
                &mut v,
                "opportunity.amount",
                "opportunity.currency",
                o.amount,
                &currency,
            );
            pipeline::check_probability(&mut v, "opportunity.probability", o.probability);
            o.currency = Some(currency);
        }
        v.finish()?;
        Ok(self)
    }
}

/// What converting a lead made.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub lead: Lead,
    pub customer: Customer,
    pub opportunity: Option<Opportunity>,
}

/// Turns an assigned lead into a customer owned by its salesperson (the assigned salesperson or
/// a manager converts); the customer follows the rules of a customer created directly.
pub fn convert(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &ConvertLeadInput,
) -> Result<Conversion, AppError> {
    let lead = leads::lock_visible(c, lead_scope(actor), id)?;
    if !may_convert(actor, lead.parties()) {
        return Err(AppError::Forbidden(
            "only the lead's salesperson or a manager converts it".into(),
        ));
    }
    let next = lead.status.transition(LeadAction::Convert)?;
    let owner = lead
        .assigned_to
        .ok_or_else(|| AppError::internal("an assigned lead without an assignee"))?;
    let department_id = match erp_directory::find(c, owner)? {
        Some(e) if e.active => e.department_id,
        _ => {
            return Err(AppError::conflict(
                "the lead's salesperson is no longer active; assign the lead to someone else first",
            ));
        }
    };
    let name = input.name.clone().unwrap_or_else(|| lead.name.clone());
    let kind = input.kind.unwrap_or(if lead.kind == CustomerKind::Person.as_str() {
        CustomerKind::Person
    } else {
        CustomerKind::Company
    });
    let customer_id = Uuid::now_v7();
    customers::insert(
        c,
        customer_id,
        &CustomerValues {
            search_text: customer::search_text(&input.code, &name, input.tax_number.as_deref(), lead.phone.as_deref()),
            code: input.code.clone(),
            name,
            kind: kind.as_str(),
            tax_number: input.tax_number.clone(),
            address: input.address.clone(),
            shipping_address: None,
            phone: lead.phone.clone(),
            email: lead.email.clone(),
            bank_name: None,
            bank_account: None,
            grade: input.grade.as_str(),
            credit_limit: input.credit_limit,
            currency: input.currency.clone(),
            payment_terms: input.payment_terms.as_str(),
            payment_days: input.payment_days,
            anniversary_date: None,
            lease_expiry_date: None,
        },
        Owner {
            id: owner,
            department_id,
        },
    )?;
    if let Some(contact) = &lead.contact_name {
        customers::insert_contact(
            c,
            &NewContact {
                id: Uuid::now_v7(),
                customer_id,
                name: contact.clone(),
                title: None,
                phone: lead.phone.clone(),
                email: lead.email.clone(),
                decision_maker: false,
            },
        )?;
    }
    let opportunity = match &input.opportunity {
        Some(o) => Some(opportunities::insert(
            c,
            &NewOpportunity {
                customer_id,
                name: o.name.clone(),
                description: o.description.clone(),
                stage: Stage::Qualification,
                amount: o.amount,
                currency: o.currency.clone().unwrap_or_else(|| input.currency.clone()),
                probability: o.probability.unwrap_or(Stage::Qualification.default_probability()),
                expected_close_date: o.expected_close_date,
                owner_id: owner,
                department_id,
                lead_id: Some(id),
                created_by: actor.id,
            },
        )?),
        None => None,
    };
    let lead = leads::convert(c, id, next, customer_id, opportunity.as_ref().map(|o| o.id), actor.id)?;
    // The converter may be a manager; the customer is the salesperson's.
    let customer = customers::visible_customer(c, Scope::All, customer_id)?;
    Ok(Conversion {
        lead,
        customer,
        opportunity,
    })
}
