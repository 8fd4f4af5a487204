//! Marketing leads (seed 000 §2.7): marketing captures them from its channels and hands them to
//! a salesperson, who converts them into a customer (and maybe an opportunity) or disqualifies
//! them. Marketing sees the leads it created, a salesperson those it was given, a sales manager
//! its department's and the ones waiting to be handed out, the general manager and vice
//! presidents all; anyone else gets 403 on the list and 404 on a lead.

use super::SELLERS;
use super::opportunities::{check_reach, clean, directory_seller};
use crate::db::pipeline::{Lead, NewOpportunity, Opportunity, insert_opportunity, leads, visible_lead};
use crate::db::{self, Customer, schema::contacts, schema::customers};
use crate::domain::customer::{self, CustomerKind, Grade, PaymentTerms};
use crate::domain::pipeline::{
    self, LEAD_ROLES, LeadAction, LeadChannel, LeadStatus, Stage, lead_scope, may_assign, may_convert, may_disqualify,
    may_edit,
};
use crate::domain::visibility::Scope;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_leads)
        .service(get_lead)
        .service(create_lead)
        .service(update_lead)
        .service(assign_lead)
        .service(convert_lead)
        .service(disqualify_lead);
}

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

fn default_grade() -> Grade {
    Grade::C
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

#[derive(Debug, Serialize, ToSchema)]
pub struct ConvertedLead {
    pub lead: Lead,
    pub customer: Customer,
    pub opportunity: Option<Opportunity>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Text in the name, contact, phone or e-mail; Vietnamese matches with or without diacritics.
    pub q: Option<String>,
    /// new, assigned, converted or disqualified.
    pub status: Option<String>,
    /// seo, google_ads, facebook, zalo, website, exhibition or referral.
    pub channel: Option<String>,
    pub assigned_to: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (newest first).
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadPage {
    pub items: Vec<Lead>,
    pub next_cursor: Option<Uuid>,
}

struct CleanLead {
    channel: LeadChannel,
    kind: CustomerKind,
    name: String,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    need: Option<String>,
}

impl CleanLead {
    fn search_text(&self) -> String {
        pipeline::lead_search_text(
            &self.name,
            self.contact_name.as_deref(),
            self.phone.as_deref(),
            self.email.as_deref(),
        )
    }
}

fn validate(l: LeadInput) -> Result<CleanLead, AppError> {
    let mut v = Validator::new();
    v.text("name", &l.name, 300);
    let contact_name = clean(l.contact_name);
    v.optional_text("contact_name", contact_name.as_deref(), 200);
    let phone = clean(l.phone);
    v.optional_text("phone", phone.as_deref(), 40);
    let email = clean(l.email).map(|e| e.to_lowercase());
    customer::check_email(&mut v, "email", email.as_deref());
    v.check(
        phone.is_some() || email.is_some(),
        "phone",
        "a phone or an e-mail is needed to follow the lead up",
    );
    let need = clean(l.need);
    v.optional_text("need", need.as_deref(), 4000);
    v.finish()?;
    Ok(CleanLead {
        channel: l.channel,
        kind: l.kind,
        name: l.name.trim().to_owned(),
        contact_name,
        phone,
        email,
        need,
    })
}

fn status_of(lead: &Lead) -> Result<LeadStatus, AppError> {
    LeadStatus::parse(&lead.status)
}

#[utoipa::path(
    tag = "leads",
    params(LeadQuery),
    responses(
        (status = 200, body = LeadPage),
    )
)]
#[get("/api/v1/leads")]
async fn list_leads(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<LeadQuery>,
) -> Result<web::Json<LeadPage>, AppError> {
    let scope = lead_scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "leads are visible to marketing, sales and managers".into(),
        ));
    }
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = leads::table
            .select(Lead::as_select())
            .order(leads::id.desc())
            .limit(limit + 1)
            .into_boxed();
        sql = match scope {
            Scope::All => sql,
            Scope::Department {
                department: Some(d),
                me,
            } => sql.filter(
                leads::created_by
                    .eq(me)
                    .nullable()
                    .or(leads::assigned_to.eq(me))
                    .or(leads::assigned_to.is_null().nullable())
                    .or(leads::department_id.eq(d)),
            ),
            Scope::Department { department: None, me } => sql.filter(
                leads::created_by
                    .eq(me)
                    .nullable()
                    .or(leads::assigned_to.eq(me))
                    .or(leads::assigned_to.is_null().nullable()),
            ),
            Scope::Own(me) => sql.filter(leads::created_by.eq(me).nullable().or(leads::assigned_to.eq(me))),
            Scope::Nothing => sql.filter(leads::id.is_null()),
        };
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            sql = sql.filter(leads::search_text.like(erp_db::like_pattern(&erp_db::fold_search(text))));
        }
        if let Some(s) = q.status {
            sql = sql.filter(leads::status.eq(s.to_lowercase()));
        }
        if let Some(ch) = q.channel {
            sql = sql.filter(leads::channel.eq(ch.to_lowercase()));
        }
        if let Some(a) = q.assigned_to {
            sql = sql.filter(leads::assigned_to.eq(a));
        }
        if let Some(before) = q.cursor {
            sql = sql.filter(leads::id.lt(before));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(LeadPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "leads",
    params(("id" = Uuid, Path, description = "lead id")),
    responses(
        (status = 200, body = Lead),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/leads/{id}")]
async fn get_lead(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Lead>, AppError> {
    let scope = lead_scope(&user);
    let id = id.into_inner();
    Ok(web::Json(
        erp_db::with_conn(&ctx.pool, move |c| visible_lead(c, scope, id, false)).await?,
    ))
}

/// Records a lead. A salesperson's own lead is assigned to it at once; marketing's (and
/// managers') leads wait as `new` until assigned.
#[utoipa::path(
    tag = "leads",
    request_body = LeadInput,
    responses(
        (status = 201, body = Lead),
    )
)]
#[post("/api/v1/leads")]
async fn create_lead(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<LeadInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&LEAD_ROLES)?;
    let l = validate(body.into_inner())?;
    let lead = erp_db::transaction(&ctx.pool, move |conn| {
        let own = !may_assign(&user) && user.has_role(Role::Sales);
        let (assigned_to, assigned_name, department, status) = if own {
            let dept = erp_directory::find(conn, user.id)?
                .and_then(|e| e.department_id)
                .or(user.department_id);
            (Some(user.id), Some(user.name.clone()), dept, LeadStatus::Assigned)
        } else {
            (None, None, None, LeadStatus::New)
        };
        let now = Utc::now();
        Ok(diesel::insert_into(leads::table)
            .values((
                leads::id.eq(Uuid::now_v7()),
                leads::channel.eq(l.channel.as_str()),
                leads::kind.eq(l.kind.as_str()),
                leads::name.eq(&l.name),
                leads::contact_name.eq(&l.contact_name),
                leads::phone.eq(&l.phone),
                leads::email.eq(&l.email),
                leads::need.eq(&l.need),
                leads::status.eq(status.as_str()),
                leads::created_by.eq(user.id),
                leads::created_by_name.eq(&user.name),
                leads::assigned_to.eq(assigned_to),
                leads::assigned_to_name.eq(&assigned_name),
                leads::department_id.eq(department),
                leads::assigned_at.eq(assigned_to.map(|_| now)),
                leads::search_text.eq(l.search_text()),
            ))
            .returning(Lead::as_returning())
            .get_result(conn)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/leads/{}", lead.id)))
        .json(lead))
}

/// Corrects a lead's details while it is open: its creator, its assignee or a manager.
#[utoipa::path(
    tag = "leads",
    params(("id" = Uuid, Path, description = "lead id")),
    request_body = LeadInput,
    responses(
        (status = 200, body = Lead),
        (status = 409, description = "converted or disqualified, or a stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/leads/{id}")]
async fn update_lead(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<LeadInput>,
) -> Result<web::Json<Lead>, AppError> {
    user.require_any(&LEAD_ROLES)?;
    let scope = lead_scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change a lead"));
    };
    let l = validate(input)?;
    let lead = erp_db::transaction(&ctx.pool, move |conn| {
        let current = visible_lead(conn, scope, id, true)?;
        if !may_edit(&user, current.parties()) {
            return Err(AppError::Forbidden(
                "only its creator, its salesperson or a manager changes a lead".into(),
            ));
        }
        status_of(&current)?.transition(LeadAction::Edit)?;
        if current.version != version {
            return Err(AppError::stale_version("the lead"));
        }
        Ok(diesel::update(leads::table.find(id))
            .set((
                leads::channel.eq(l.channel.as_str()),
                leads::kind.eq(l.kind.as_str()),
                leads::name.eq(&l.name),
                leads::contact_name.eq(&l.contact_name),
                leads::phone.eq(&l.phone),
                leads::email.eq(&l.email),
                leads::need.eq(&l.need),
                leads::search_text.eq(l.search_text()),
                leads::version.eq(leads::version + 1),
                leads::updated_at.eq(Utc::now()),
            ))
            .returning(Lead::as_returning())
            .get_result(conn)?)
    })
    .await?;
    Ok(web::Json(lead))
}

/// Hands the lead to a salesperson (`new → assigned`, or to someone else while assigned):
/// marketing, a sales manager (within its department), the general manager or a vice president.
#[utoipa::path(
    tag = "leads",
    params(("id" = Uuid, Path, description = "lead id")),
    request_body = AssignLeadInput,
    responses(
        (status = 200, body = Lead),
        (status = 409, description = "converted or disqualified", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not an active salesperson", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/leads/{id}/assign")]
async fn assign_lead(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<AssignLeadInput>,
) -> Result<web::Json<Lead>, AppError> {
    user.require_any(&LEAD_ROLES)?;
    let scope = lead_scope(&user);
    let id = id.into_inner();
    let assignee = body.into_inner().assignee_id;
    let lead = erp_db::transaction(&ctx.pool, move |conn| {
        let current = visible_lead(conn, scope, id, true)?;
        if !may_assign(&user) {
            return Err(AppError::Forbidden(
                "marketing and managers hand leads to salespeople".into(),
            ));
        }
        let next = status_of(&current)?.transition(LeadAction::Assign)?;
        let employee = directory_seller(conn, assignee, "assignee_id")?;
        check_reach(&user, &employee, "assignee_id")?;
        let now = Utc::now();
        Ok(diesel::update(leads::table.find(id))
            .set((
                leads::status.eq(next.as_str()),
                leads::assigned_to.eq(Some(employee.id)),
                leads::assigned_to_name.eq(Some(&employee.name)),
                leads::department_id.eq(employee.department_id),
                leads::assigned_at.eq(Some(now)),
                leads::version.eq(leads::version + 1),
                leads::updated_at.eq(now),
            ))
            .returning(Lead::as_returning())
            .get_result(conn)?)
    })
    .await?;
    Ok(web::Json(lead))
}

struct CleanConvert {
    code: String,
    name: Option<String>,
    kind: Option<CustomerKind>,
    tax_number: Option<String>,
    address: Option<String>,
    grade: Grade,
    credit_limit: Decimal,
    currency: String,
    payment_terms: PaymentTerms,
    payment_days: i32,
    opportunity: Option<CleanConvertOpportunity>,
}

struct CleanConvertOpportunity {
    name: String,
    description: Option<String>,
    amount: Decimal,
    currency: String,
    probability: i32,
    expected_close_date: Option<NaiveDate>,
}

fn validate_convert(c: ConvertLeadInput) -> Result<CleanConvert, AppError> {
    let mut v = Validator::new();
    let code = c.code.trim().to_owned();
    customer::check_code(&mut v, "code", &code);
    let name = clean(c.name);
    v.optional_text("name", name.as_deref(), 300);
    let currency = c.currency.trim().to_uppercase();
    v.check(
        crate::domain::money::currency_scale(&currency).is_some(),
        "currency",
        "must be one of VND, CNY, USD, EUR",
    );
    customer::check_credit(&mut v, c.credit_limit, c.payment_terms, c.payment_days);
    let tax_number = clean(c.tax_number);
    v.optional_text("tax_number", tax_number.as_deref(), 50);
    let opportunity = c.opportunity.map(|o| {
        v.text("opportunity.name", &o.name, 300);
        let description = clean(o.description);
        v.optional_text("opportunity.description", description.as_deref(), 4000);
        let o_currency = o
            .currency
            .map(|c| c.trim().to_uppercase())
            .unwrap_or_else(|| currency.clone());
        pipeline::check_amount(
            &mut v,
            "opportunity.amount",
            "opportunity.currency",
            o.amount,
            &o_currency,
        );
        pipeline::check_probability(&mut v, "opportunity.probability", o.probability);
        CleanConvertOpportunity {
            name: o.name.trim().to_owned(),
            description,
            amount: o.amount,
            currency: o_currency,
            probability: o.probability.unwrap_or(Stage::Qualification.default_probability()),
            expected_close_date: o.expected_close_date,
        }
    });
    v.finish()?;
    Ok(CleanConvert {
        code,
        name,
        kind: c.kind,
        tax_number,
        address: clean(c.address),
        grade: c.grade,
        credit_limit: c.credit_limit,
        currency,
        payment_terms: c.payment_terms,
        payment_days: c.payment_days,
        opportunity,
    })
}

/// Turns an assigned lead into a customer owned by its salesperson (with the lead's contact
/// person as the first contact), and optionally opens an opportunity: the assigned salesperson
/// or a manager. The customer follows the rules of `POST /api/v1/customers`.
#[utoipa::path(
    tag = "leads",
    params(("id" = Uuid, Path, description = "lead id")),
    request_body = ConvertLeadInput,
    responses(
        (status = 201, body = ConvertedLead),
        (status = 403, description = "not the lead's salesperson nor a manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not assigned, already closed, the salesperson left, or the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/leads/{id}/convert")]
async fn convert_lead(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ConvertLeadInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = lead_scope(&user);
    let id = id.into_inner();
    let c = validate_convert(body.into_inner())?;
    let converted = erp_db::transaction(&ctx.pool, move |conn| {
        let lead = visible_lead(conn, scope, id, true)?;
        if !may_convert(&user, lead.parties()) {
            return Err(AppError::Forbidden(
                "only the lead's salesperson or a manager converts it".into(),
            ));
        }
        let next = status_of(&lead)?.transition(LeadAction::Convert)?;
        let owner = lead
            .assigned_to
            .ok_or_else(|| AppError::internal("an assigned lead without an assignee"))?;
        let department_id = match erp_directory::find(conn, owner)? {
            Some(e) if e.active => e.department_id,
            _ => {
                return Err(AppError::conflict(
                    "the lead's salesperson is no longer active; assign the lead to someone else first",
                ));
            }
        };
        let name = c.name.clone().unwrap_or_else(|| lead.name.clone());
        let kind = c.kind.unwrap_or(if lead.kind == CustomerKind::Person.as_str() {
            CustomerKind::Person
        } else {
            CustomerKind::Company
        });
        let customer_id = Uuid::now_v7();
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(customer_id),
                customers::code.eq(&c.code),
                customers::name.eq(&name),
                customers::kind.eq(kind.as_str()),
                customers::tax_number.eq(&c.tax_number),
                customers::address.eq(&c.address),
                customers::phone.eq(&lead.phone),
                customers::email.eq(&lead.email),
                customers::grade.eq(c.grade.as_str()),
                customers::credit_limit.eq(c.credit_limit),
                customers::currency.eq(&c.currency),
                customers::payment_terms.eq(c.payment_terms.as_str()),
                customers::payment_days.eq(c.payment_days),
                customers::owner_id.eq(owner),
                customers::department_id.eq(department_id),
                customers::search_text.eq(customer::search_text(
                    &c.code,
                    &name,
                    c.tax_number.as_deref(),
                    lead.phone.as_deref(),
                )),
            ))
            .execute(conn)?;
        if let Some(contact) = &lead.contact_name {
            diesel::insert_into(contacts::table)
                .values((
                    contacts::id.eq(Uuid::now_v7()),
                    contacts::customer_id.eq(customer_id),
                    contacts::name.eq(contact),
                    contacts::phone.eq(&lead.phone),
                    contacts::email.eq(&lead.email),
                ))
                .execute(conn)?;
        }
        let opportunity = match &c.opportunity {
            Some(o) => Some(insert_opportunity(
                conn,
                &NewOpportunity {
                    customer_id,
                    name: &o.name,
                    description: o.description.as_deref(),
                    stage: Stage::Qualification,
                    amount: o.amount,
                    currency: &o.currency,
                    probability: o.probability,
                    expected_close_date: o.expected_close_date,
                    owner_id: owner,
                    department_id,
                    lead_id: Some(id),
                    created_by: user.id,
                },
            )?),
            None => None,
        };
        let now = Utc::now();
        let lead = diesel::update(leads::table.find(id))
            .set((
                leads::status.eq(next.as_str()),
                leads::customer_id.eq(Some(customer_id)),
                leads::opportunity_id.eq(opportunity.as_ref().map(|o| o.id)),
                leads::closed_by.eq(Some(user.id)),
                leads::closed_at.eq(Some(now)),
                leads::version.eq(leads::version + 1),
                leads::updated_at.eq(now),
            ))
            .returning(Lead::as_returning())
            .get_result(conn)?;
        // The converter may be a manager; the customer is the salesperson's.
        let customer = db::visible_customer(conn, Scope::All, customer_id)?;
        Ok(ConvertedLead {
            lead,
            customer,
            opportunity,
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/customers/{}", converted.customer.id)))
        .json(converted))
}

/// Closes a lead as not worth following, with the reason: the assigned salesperson or a
/// manager; while it is new, also the one who recorded it.
#[utoipa::path(
    tag = "leads",
    params(("id" = Uuid, Path, description = "lead id")),
    request_body = DisqualifyLeadInput,
    responses(
        (status = 200, body = Lead),
        (status = 409, description = "already converted or disqualified", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/leads/{id}/disqualify")]
async fn disqualify_lead(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<DisqualifyLeadInput>,
) -> Result<web::Json<Lead>, AppError> {
    user.require_any(&LEAD_ROLES)?;
    let scope = lead_scope(&user);
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    let mut v = Validator::new();
    v.text("reason", &reason, 1000);
    v.finish()?;
    let lead = erp_db::transaction(&ctx.pool, move |conn| {
        let current = visible_lead(conn, scope, id, true)?;
        let status = status_of(&current)?;
        if !may_disqualify(&user, current.parties(), status) {
            return Err(AppError::Forbidden(
                "only the lead's salesperson or a manager disqualifies it".into(),
            ));
        }
        let next = status.transition(LeadAction::Disqualify)?;
        let now = Utc::now();
        Ok(diesel::update(leads::table.find(id))
            .set((
                leads::status.eq(next.as_str()),
                leads::disqualify_reason.eq(Some(&reason)),
                leads::closed_by.eq(Some(user.id)),
                leads::closed_at.eq(Some(now)),
                leads::version.eq(leads::version + 1),
                leads::updated_at.eq(now),
            ))
            .returning(Lead::as_returning())
            .get_result(conn)?)
    })
    .await?;
    Ok(web::Json(lead))
}
