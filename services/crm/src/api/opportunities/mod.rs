//! Opportunities: a possible deal with a customer, moved through the stages qualification →
//! needs → proposal → negotiation → won | lost, and the funnel leaders read. Visible as the
//! customers are: a salesperson its own, a sales manager its department's, the general
//! manager, vice presidents and finance all.

mod types;

pub use types::{Opportunity, OpportunityDetail};

use super::SELLERS;
use crate::app::opportunities::{self as app, OpportunityFilter, OpportunityInput, OpportunityUpdate, StageMoveInput};
use crate::domain::pipeline::Stage;
use crate::domain::visibility::{Scope, selling_scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use serde::Deserialize;
use types::{Funnel, OpportunityPage};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    // The funnel before `{id}`: "funnel" is not an id.
    cfg.service(opportunity_funnel)
        .service(list_opportunities)
        .service(get_opportunity)
        .service(create_opportunity)
        .service(update_opportunity)
        .service(move_opportunity_stage);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityQuery {
    /// Text in the opportunity's name or the customer's code or name.
    pub q: Option<String>,
    /// qualification, needs, proposal, negotiation, won or lost.
    #[param(value_type = Option<Stage>, inline)]
    pub stage: Option<String>,
    /// Only the open ones (true) or only the won and lost (false).
    pub open: Option<bool>,
    pub owner_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (newest first).
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelQuery {
    /// Only this salesperson's opportunities.
    pub owner_id: Option<Uuid>,
    /// Only this department's opportunities.
    pub department_id: Option<Uuid>,
}

#[utoipa::path(
    tag = "opportunities",
    params(OpportunityQuery),
    responses(
        (status = 200, body = OpportunityPage),
    )
)]
#[get("/api/v1/opportunities")]
async fn list_opportunities(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<OpportunityQuery>,
) -> Result<web::Json<OpportunityPage>, AppError> {
    if selling_scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "opportunities are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let filter = OpportunityFilter {
        text: q.q.filter(|t| !t.trim().is_empty()),
        stage: q
            .stage
            .map(|s| Stage::parse_field("stage", &s.to_lowercase()))
            .transpose()?,
        open: q.open,
        owner_id: q.owner_id,
        customer_id: q.customer_id,
    };
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &user, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

/// Per stage: how many opportunities, their amounts per currency, and the amounts weighted by
/// probability, over what the caller may see (narrowed by owner or department when asked).
#[utoipa::path(
    tag = "opportunities",
    params(FunnelQuery),
    responses(
        (status = 200, body = Funnel),
    )
)]
#[get("/api/v1/opportunities/funnel")]
async fn opportunity_funnel(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<FunnelQuery>,
) -> Result<web::Json<Funnel>, AppError> {
    if selling_scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "the funnel is visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let stages = erp_db::with_conn(&ctx.pool, move |c| app::funnel(c, &user, q.owner_id, q.department_id)).await?;
    Ok(web::Json(stages.into()))
}

#[utoipa::path(
    tag = "opportunities",
    params(("id" = Uuid, Path, description = "opportunity id")),
    responses(
        (status = 200, body = OpportunityDetail),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/opportunities/{id}")]
async fn get_opportunity(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OpportunityDetail>, AppError> {
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| app::get(c, &user, id)).await?;
    Ok(web::Json(d.into()))
}

#[utoipa::path(
    tag = "opportunities",
    request_body = OpportunityInput,
    responses(
        (status = 201, body = OpportunityDetail),
        (status = 404, description = "the customer is unknown or not yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/opportunities")]
async fn create_opportunity(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<OpportunityInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let input = body.into_inner().validate()?;
    let d = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/opportunities/{}", d.item.opportunity.id),
        ))
        .json(OpportunityDetail::from(d)))
}

#[utoipa::path(
    tag = "opportunities",
    params(("id" = Uuid, Path, description = "opportunity id")),
    request_body = OpportunityUpdate,
    responses(
        (status = 200, body = OpportunityDetail),
        (status = 409, description = "won or lost, or a stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/opportunities/{id}")]
async fn update_opportunity(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<OpportunityUpdate>,
) -> Result<web::Json<OpportunityDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let input = body.into_inner().validate()?;
    let d = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, &input)).await?;
    Ok(web::Json(d.into()))
}

/// Moves the opportunity to another stage: forward or back between the open stages, or to won
/// or lost (with a reason) from any of them; won and lost are final.
#[utoipa::path(
    tag = "opportunities",
    params(("id" = Uuid, Path, description = "opportunity id")),
    request_body = StageMoveInput,
    responses(
        (status = 200, body = OpportunityDetail),
        (status = 409, description = "won or lost already, or already in that stage", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a lost opportunity needs a reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/opportunities/{id}/stage")]
async fn move_opportunity_stage(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<StageMoveInput>,
) -> Result<web::Json<OpportunityDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let input = body.into_inner().validate()?;
    let d = erp_db::transaction(&ctx.pool, move |c| app::move_stage(c, &user, id, &input)).await?;
    Ok(web::Json(d.into()))
}
