//! Opportunities: a possible deal with a customer, moved through the stages qualification →
//! needs → proposal → negotiation → won | lost, and the funnel leaders read. Visible as the
//! customers are: a salesperson its own, a sales manager its department's, the general
//! manager, vice presidents and finance all.

use super::SELLERS;
use crate::db::pipeline::{
    NewOpportunity, Opportunity, StageChange, funnel_groups, insert_opportunity, opportunities, record_stage,
    stage_history, visible_opportunity,
};
use crate::db::{self, Customer, schema::customers};
use crate::domain::pipeline::{self, FunnelStage, Stage};
use crate::domain::visibility::{Scope, selling_scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_directory::DirectoryEmployee;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
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

pub(super) fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// An active employee who sells, from the directory, else a 422 on `field`.
pub(super) fn directory_seller(conn: &mut PgConnection, id: Uuid, field: &str) -> Result<DirectoryEmployee, AppError> {
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
pub(super) fn check_reach(user: &CurrentUser, employee: &DirectoryEmployee, field: &str) -> Result<(), AppError> {
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

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityItem {
    #[serde(flatten)]
    pub opportunity: Opportunity,
    pub customer_code: String,
    pub customer_name: String,
    /// amount × probability / 100, at the currency's scale.
    #[schema(value_type = String)]
    pub weighted_amount: Decimal,
}

impl OpportunityItem {
    fn new(opportunity: Opportunity, customer_code: String, customer_name: String) -> Self {
        Self {
            weighted_amount: pipeline::weighted(opportunity.amount, opportunity.probability, &opportunity.currency),
            opportunity,
            customer_code,
            customer_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityDetail {
    #[serde(flatten)]
    pub item: OpportunityItem,
    /// Every stage it entered, oldest first.
    pub stages: Vec<StageChange>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityQuery {
    /// Text in the opportunity's name or the customer's code or name.
    pub q: Option<String>,
    /// qualification, needs, proposal, negotiation, won or lost.
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

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityPage {
    pub items: Vec<OpportunityItem>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelQuery {
    /// Only this salesperson's opportunities.
    pub owner_id: Option<Uuid>,
    /// Only this department's opportunities.
    pub department_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Funnel {
    /// Every stage in order, with what the caller may see.
    pub stages: Vec<FunnelStage>,
}

fn seller_scope(user: &CurrentUser) -> Result<Scope, AppError> {
    user.require_any(&SELLERS)?;
    Ok(selling_scope(user))
}

fn open_stages() -> Vec<&'static str> {
    Stage::OPEN.iter().map(|s| s.as_str()).collect()
}

fn detail(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<OpportunityDetail, AppError> {
    let o = visible_opportunity(c, scope, id, false)?;
    let (code, name) = customers::table
        .find(o.customer_id)
        .select((customers::code, customers::name))
        .first::<(String, String)>(c)?;
    Ok(OpportunityDetail {
        stages: stage_history(c, id)?,
        item: OpportunityItem::new(o, code, name),
    })
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
    let scope = selling_scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "opportunities are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = opportunities::table
            .inner_join(customers::table)
            .select((Opportunity::as_select(), customers::code, customers::name))
            .order(opportunities::id.desc())
            .limit(limit + 1)
            .into_boxed();
        sql = match scope {
            Scope::All => sql,
            Scope::Department {
                department: Some(d),
                me,
            } => sql.filter(
                opportunities::department_id
                    .eq(d)
                    .or(opportunities::owner_id.eq(me).nullable()),
            ),
            Scope::Department { department: None, me } | Scope::Own(me) => sql.filter(opportunities::owner_id.eq(me)),
            Scope::Nothing => sql.filter(opportunities::id.is_null()),
        };
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            sql = sql.filter(
                opportunities::name
                    .ilike(erp_db::like_pattern(text))
                    .or(customers::search_text.like(erp_db::like_pattern(&erp_db::fold_search(text)))),
            );
        }
        if let Some(s) = q.stage {
            sql = sql.filter(opportunities::stage.eq(s.to_lowercase()));
        }
        match q.open {
            Some(true) => sql = sql.filter(opportunities::stage.eq_any(open_stages())),
            Some(false) => sql = sql.filter(opportunities::stage.ne_all(open_stages())),
            None => {}
        }
        if let Some(o) = q.owner_id {
            sql = sql.filter(opportunities::owner_id.eq(o));
        }
        if let Some(cu) = q.customer_id {
            sql = sql.filter(opportunities::customer_id.eq(cu));
        }
        if let Some(before) = q.cursor {
            sql = sql.filter(opportunities::id.lt(before));
        }
        let mut rows: Vec<(Opportunity, String, String)> = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.0.id);
        Ok(OpportunityPage {
            items: rows
                .into_iter()
                .map(|(o, code, name)| OpportunityItem::new(o, code, name))
                .collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
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
    let scope = selling_scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "the funnel is visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let groups = erp_db::with_conn(&ctx.pool, move |c| funnel_groups(c, scope, q.owner_id, q.department_id)).await?;
    Ok(web::Json(Funnel {
        stages: pipeline::funnel(&groups),
    }))
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
    let scope = selling_scope(&user);
    let id = id.into_inner();
    Ok(web::Json(
        erp_db::with_conn(&ctx.pool, move |c| detail(c, scope, id)).await?,
    ))
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
    let scope = seller_scope(&user)?;
    let o = body.into_inner();
    let mut v = Validator::new();
    v.text("name", &o.name, 300);
    let description = clean(o.description);
    v.optional_text("description", description.as_deref(), 4000);
    let stage = o.stage.unwrap_or(Stage::Qualification);
    v.check(stage.is_open(), "stage", "an opportunity opens in an open stage");
    pipeline::check_probability(&mut v, "probability", o.probability);
    let currency = o.currency.map(|c| c.trim().to_uppercase());
    if let Some(cur) = &currency {
        pipeline::check_amount(&mut v, "amount", "currency", o.amount, cur);
    }
    v.finish()?;
    let name = o.name.trim().to_owned();
    let d = erp_db::transaction(&ctx.pool, move |conn| {
        let customer = db::visible_customer(conn, scope, o.customer_id)?;
        if !customer.active {
            return Err(AppError::validation("customer_id", "the customer is deactivated"));
        }
        let currency = currency.clone().unwrap_or_else(|| customer.currency.clone());
        let mut v = Validator::new();
        pipeline::check_amount(&mut v, "amount", "currency", o.amount, &currency);
        v.finish()?;
        let (owner_id, department_id) = resolve_owner(conn, &user, &customer, o.owner_id)?;
        let row = insert_opportunity(
            conn,
            &NewOpportunity {
                customer_id: customer.id,
                name: &name,
                description: description.as_deref(),
                stage,
                amount: o.amount,
                currency: &currency,
                probability: o.probability.unwrap_or(stage.default_probability()),
                expected_close_date: o.expected_close_date,
                owner_id,
                department_id,
                lead_id: None,
                created_by: user.id,
            },
        )?;
        // The creator may have given it to someone outside its own scope.
        detail(conn, Scope::All, row.id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/opportunities/{}", d.item.opportunity.id),
        ))
        .json(d))
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
    let scope = seller_scope(&user)?;
    let id = id.into_inner();
    let o = body.into_inner();
    let mut v = Validator::new();
    v.text("name", &o.name, 300);
    let description = clean(o.description);
    v.optional_text("description", description.as_deref(), 4000);
    pipeline::check_probability(&mut v, "probability", o.probability);
    let currency = o.currency.trim().to_uppercase();
    pipeline::check_amount(&mut v, "amount", "currency", o.amount, &currency);
    v.finish()?;
    let name = o.name.trim().to_owned();
    let d = erp_db::transaction(&ctx.pool, move |conn| {
        let current = visible_opportunity(conn, scope, id, true)?;
        let stage = Stage::parse(&current.stage)?;
        if !stage.is_open() {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the opportunity is {}; that is final", stage.as_str()),
            });
        }
        if current.version != o.version {
            return Err(AppError::stale_version("the opportunity"));
        }
        let (owner_id, department_id) = match o.owner_id {
            Some(owner) if owner != current.owner_id => {
                let customer = db::visible_customer(conn, Scope::All, current.customer_id)?;
                resolve_owner(conn, &user, &customer, Some(owner))?
            }
            _ => (current.owner_id, current.department_id),
        };
        diesel::update(opportunities::table.find(id))
            .set((
                opportunities::name.eq(&name),
                opportunities::description.eq(&description),
                opportunities::amount.eq(o.amount),
                opportunities::currency.eq(&currency),
                opportunities::probability.eq(o.probability.unwrap_or(current.probability)),
                opportunities::expected_close_date.eq(o.expected_close_date),
                opportunities::owner_id.eq(owner_id),
                opportunities::department_id.eq(department_id),
                opportunities::version.eq(opportunities::version + 1),
                opportunities::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        detail(conn, Scope::All, id)
    })
    .await?;
    Ok(web::Json(d))
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
    let scope = seller_scope(&user)?;
    let id = id.into_inner();
    let m = body.into_inner();
    let reason = clean(m.reason);
    let mut v = Validator::new();
    if m.stage == Stage::Lost {
        v.check(reason.is_some(), "reason", "a lost opportunity needs the reason");
    }
    v.optional_text("reason", reason.as_deref(), 1000);
    pipeline::check_probability(&mut v, "probability", m.probability);
    v.finish()?;
    let d = erp_db::transaction(&ctx.pool, move |conn| {
        let current = visible_opportunity(conn, scope, id, true)?;
        let from = Stage::parse(&current.stage)?;
        let to = from.transition(m.stage)?;
        let probability = to.probability_after_move(m.probability);
        let now = Utc::now();
        diesel::update(opportunities::table.find(id))
            .set((
                opportunities::stage.eq(to.as_str()),
                opportunities::probability.eq(probability),
                opportunities::lost_reason.eq(if to == Stage::Lost { reason.as_deref() } else { None }),
                opportunities::closed_at.eq(if to.is_open() { None } else { Some(now) }),
                opportunities::version.eq(opportunities::version + 1),
                opportunities::updated_at.eq(now),
            ))
            .execute(conn)?;
        record_stage(conn, id, Some(from), to, probability, reason.as_deref(), user.id)?;
        detail(conn, Scope::All, id)
    })
    .await?;
    Ok(web::Json(d))
}
