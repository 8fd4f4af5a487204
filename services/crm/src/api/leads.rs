//! Marketing leads (seed 000 §2.7): marketing captures them from its channels and hands them to
//! a salesperson, who converts them into a customer (and maybe an opportunity) or disqualifies
//! them. Marketing sees the leads it created, a salesperson those it was given, a sales manager
//! its department's and the ones waiting to be handed out, the general manager and vice
//! presidents all; anyone else gets 403 on the list and 404 on a lead.

use super::SELLERS;
use super::customers::Customer;
use super::opportunities::Opportunity;
use crate::app::leads::{
    self as app, AssignLeadInput, Conversion, ConvertLeadInput, DisqualifyLeadInput, LeadFilter, LeadInput,
};
use crate::db::leads as rows;
use crate::domain::pipeline::{LEAD_ROLES, LeadChannel, LeadStatus, lead_scope};
use crate::domain::visibility::Scope;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Lead {
    pub id: Uuid,
    /// seo, google_ads, facebook, zalo, website, exhibition or referral.
    pub channel: String,
    /// `company` or `person`.
    pub kind: String,
    /// The company's or the person's name.
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// What the lead is looking for.
    pub need: Option<String>,
    /// new, assigned, converted or disqualified.
    #[schema(value_type = String)]
    pub status: LeadStatus,
    pub created_by: Uuid,
    pub created_by_name: String,
    /// The salesperson who follows the lead up.
    pub assigned_to: Option<Uuid>,
    pub assigned_to_name: Option<String>,
    /// The assignee's department when it was assigned.
    pub department_id: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
    /// The customer it became.
    pub customer_id: Option<Uuid>,
    /// The opportunity opened on converting, if any.
    pub opportunity_id: Option<Uuid>,
    pub disqualify_reason: Option<String>,
    /// Who converted or disqualified it, and when.
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<rows::Lead> for Lead {
    fn from(l: rows::Lead) -> Self {
        Lead {
            id: l.id,
            channel: l.channel,
            kind: l.kind,
            name: l.name,
            contact_name: l.contact_name,
            phone: l.phone,
            email: l.email,
            need: l.need,
            status: l.status,
            created_by: l.created_by,
            created_by_name: l.created_by_name,
            assigned_to: l.assigned_to,
            assigned_to_name: l.assigned_to_name,
            department_id: l.department_id,
            assigned_at: l.assigned_at,
            customer_id: l.customer_id,
            opportunity_id: l.opportunity_id,
            disqualify_reason: l.disqualify_reason,
            closed_by: l.closed_by,
            closed_at: l.closed_at,
            version: l.version,
            created_at: l.created_at,
            updated_at: l.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConvertedLead {
    pub lead: Lead,
    pub customer: Customer,
    pub opportunity: Option<Opportunity>,
}

impl From<Conversion> for ConvertedLead {
    fn from(c: Conversion) -> Self {
        ConvertedLead {
            lead: c.lead.into(),
            customer: c.customer.into(),
            opportunity: c.opportunity.map(Into::into),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Text in the name, contact, phone or e-mail; Vietnamese matches with or without diacritics.
    pub q: Option<String>,
    /// new, assigned, converted or disqualified.
    #[param(value_type = Option<LeadStatus>, inline)]
    pub status: Option<String>,
    /// seo, google_ads, facebook, zalo, website, exhibition or referral.
    #[param(value_type = Option<crate::domain::pipeline::LeadChannel>, inline)]
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

impl From<Page<rows::Lead>> for LeadPage {
    fn from(p: Page<rows::Lead>) -> Self {
        let p = p.map(Lead::from);
        LeadPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
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
    if lead_scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "leads are visible to marketing, sales and managers".into(),
        ));
    }
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let filter = LeadFilter {
        text: q.q.as_deref().filter(|t| !t.trim().is_empty()).map(erp_db::fold_search),
        status: q
            .status
            .map(|s| LeadStatus::parse_field("status", &s.to_lowercase()))
            .transpose()?,
        channel: q
            .channel
            .map(|ch| LeadChannel::parse_field("channel", &ch).map(|ch| ch.as_str().to_owned()))
            .transpose()?,
        assigned_to: q.assigned_to,
    };
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &user, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
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
    let id = id.into_inner();
    let lead = erp_db::with_conn(&ctx.pool, move |c| app::get(c, &user, id)).await?;
    Ok(web::Json(lead.into()))
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
    let details = body.into_inner().validate()?;
    let lead = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &details)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/leads/{}", lead.id)))
        .json(Lead::from(lead)))
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
    let id = id.into_inner();
    let input = body.into_inner();
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change a lead"));
    };
    let details = input.validate()?;
    let lead = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, version, &details)).await?;
    Ok(web::Json(lead.into()))
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
    let id = id.into_inner();
    let assignee = body.into_inner().assignee_id;
    let lead = erp_db::transaction(&ctx.pool, move |c| app::assign(c, &user, id, assignee)).await?;
    Ok(web::Json(lead.into()))
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
    let id = id.into_inner();
    let input = body.into_inner().validate()?;
    let converted = erp_db::transaction(&ctx.pool, move |c| app::convert(c, &user, id, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/customers/{}", converted.customer.id)))
        .json(ConvertedLead::from(converted)))
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
    let id = id.into_inner();
    let reason = body.into_inner().validate()?;
    let lead = erp_db::transaction(&ctx.pool, move |c| app::disqualify(c, &user, id, &reason)).await?;
    Ok(web::Json(lead.into()))
}
