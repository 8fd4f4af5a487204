//! The HTTP API a service mounts with `routes`: the authority matrix (read by anyone signed in,
//! edited by a `general_manager`) and the approval requests (the inbox with `mine=true`, and
//! one request with its history). Decisions are made through the documents' own endpoints.

use crate::db::{self, ApprovalDetail, ListFilter};
use crate::domain::{self, ApprovalRule, RequestStatus};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::Access;
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who edits the authority matrix.
pub const RULE_EDITORS: [Role; 1] = [Role::GeneralManager];

/// The engine's doors (docs/security.md): the matrix is read by anyone signed in and edited by
/// the general manager; the requests are filtered to the ones the caller submitted or may decide.
pub const DOORS: &[erp_auth::Door] = &[
    erp_auth::door("GET", "/api/v1/approval-rules", Access::Authenticated),
    erp_auth::door("POST", "/api/v1/approval-rules", Access::Roles(&RULE_EDITORS)),
    erp_auth::door("PUT", "/api/v1/approval-rules/{id}", Access::Roles(&RULE_EDITORS)),
    erp_auth::door(
        "POST",
        "/api/v1/approval-rules/{id}/deactivate",
        Access::Roles(&RULE_EDITORS),
    ),
    erp_auth::door("GET", "/api/v1/approvals", Access::Authenticated),
    erp_auth::door("GET", "/api/v1/approvals/{id}", Access::Authenticated),
];

/// Mounts the approval endpoints.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_rules)
        .service(create_rule)
        .service(update_rule)
        .service(deactivate_rule)
        .service(list_approvals)
        .service(get_approval);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleQuery {
    /// Only rules of this document type.
    pub document_type: Option<String>,
    /// Only active (or inactive) rules.
    pub active: Option<bool>,
}

/// A rule of the authority matrix as a client sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RuleInput {
    /// The kind of document, as the service names it (`quotation`, `sales_order`, …).
    pub document_type: String,
    /// `below_floor_price`, `credit_terms`, `over_credit_limit`, `margin_below`, `total_above`
    /// or `otherwise` (applies only when no other rule of the document type matched).
    pub condition: String,
    /// Required for `margin_below` (percent, 0–100) and `total_above` (an amount), absent
    /// otherwise.
    #[schema(value_type = Option<String>)]
    pub threshold: Option<Decimal>,
    /// ISO 4217, required for `total_above` (documents in other currencies do not match).
    pub currency: Option<String>,
    /// The role that decides (`sales_manager`, `vice_president`, `general_manager`, …).
    pub approver_role: String,
    /// 1 or more; steps are decided in ascending order.
    pub step: i32,
    /// Default true.
    pub active: Option<bool>,
}

/// A rule's new values, with the version that was read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RuleUpdate {
    pub document_type: String,
    pub condition: String,
    #[schema(value_type = Option<String>)]
    pub threshold: Option<Decimal>,
    pub currency: Option<String>,
    pub approver_role: String,
    pub step: i32,
    /// Unchanged when absent.
    pub active: Option<bool>,
    /// The version that was read; a rule changed since is a 409.
    pub version: i64,
}

/// The authority matrix, by document type and step.
#[utoipa::path(
    tag = "approvals",
    params(RuleQuery),
    responses(
        (status = 200, body = Vec<ApprovalRule>),
    )
)]
#[get("/api/v1/approval-rules")]
async fn list_rules(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<RuleQuery>,
) -> Result<web::Json<Vec<ApprovalRule>>, AppError> {
    let q = query.into_inner();
    let rules = erp_db::with_conn(&ctx.pool, move |c| {
        db::list_rules(c, q.document_type.as_deref(), q.active)
    })
    .await?;
    Ok(web::Json(rules))
}

/// Adds a rule (general_manager). It applies to documents submitted from now on.
#[utoipa::path(
    tag = "approvals",
    request_body = RuleInput,
    responses(
        (status = 201, body = ApprovalRule),
    )
)]
#[post("/api/v1/approval-rules")]
async fn create_rule(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<RuleInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&RULE_EDITORS)?;
    let input = body.into_inner();
    let rule = domain::parse_rule(
        &input.document_type,
        &input.condition,
        input.threshold,
        input.currency.as_deref(),
        &input.approver_role,
        input.step,
    )?;
    let actor = user.actor();
    let active = input.active.unwrap_or(true);
    let created = erp_db::transaction(&ctx.pool, move |c| db::create_rule(c, &rule, active, &actor)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/approval-rules/{}", created.id)))
        .json(created))
}

/// Changes a rule (general_manager). Requests already submitted keep their steps.
#[utoipa::path(
    tag = "approvals",
    params(("id" = Uuid, Path, description = "rule id")),
    request_body = RuleUpdate,
    responses(
        (status = 200, body = ApprovalRule),
        (status = 409, description = "changed by someone else since it was read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/approval-rules/{id}")]
async fn update_rule(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RuleUpdate>,
) -> Result<web::Json<ApprovalRule>, AppError> {
    user.require_any(&RULE_EDITORS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let rule = domain::parse_rule(
        &input.document_type,
        &input.condition,
        input.threshold,
        input.currency.as_deref(),
        &input.approver_role,
        input.step,
    )?;
    let (active, version) = (input.active, input.version);
    let updated = erp_db::transaction(&ctx.pool, move |c| db::update_rule(c, id, &rule, active, version)).await?;
    Ok(web::Json(updated))
}

/// Takes a rule out of the matrix (general_manager); `PUT` with `active: true` brings it back.
#[utoipa::path(
    tag = "approvals",
    params(("id" = Uuid, Path, description = "rule id")),
    responses(
        (status = 200, body = ApprovalRule),
        (status = 409, description = "inactive already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/approval-rules/{id}/deactivate")]
async fn deactivate_rule(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApprovalRule>, AppError> {
    user.require_any(&RULE_EDITORS)?;
    let id = id.into_inner();
    let rule = erp_db::transaction(&ctx.pool, move |c| db::deactivate_rule(c, id)).await?;
    Ok(web::Json(rule))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApprovalQuery {
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: Option<RequestStatus>,
    /// Only what waits for my decision now (my inbox).
    pub mine: Option<bool>,
    pub document_type: Option<String>,
    pub document_id: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalPage {
    pub items: Vec<ApprovalDetail>,
    pub next_cursor: Option<Uuid>,
    /// With `mine=true`: how many requests wait for my decision in all (every page).
    pub total: Option<i64>,
}

/// Approval requests, newest first: with `mine=true` those waiting for my decision; otherwise
/// those I may see (mine, the ones I decided, my department's as sales manager, those whose
/// steps name a role I hold; everything for general manager and vice president).
#[utoipa::path(
    tag = "approvals",
    params(ApprovalQuery),
    responses(
        (status = 200, body = ApprovalPage),
    )
)]
#[get("/api/v1/approvals")]
async fn list_approvals(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<ApprovalQuery>,
) -> Result<web::Json<ApprovalPage>, AppError> {
    let q = query.into_inner();
    let filter = ListFilter {
        status: q.status,
        document_type: q.document_type.filter(|t| !t.trim().is_empty()),
        document_id: q.document_id,
        cursor: q.cursor,
        limit: erp_db::page_limit(q.limit),
    };
    let mine = q.mine.unwrap_or(false);
    let (items, next_cursor, total) = erp_db::with_conn(&ctx.pool, move |c| {
        if mine {
            db::list_pending_for(c, &user, &filter).map(|(items, next, total)| (items, next, Some(total)))
        } else {
            db::list_visible(c, &user, &filter).map(|(items, next)| (items, next, None))
        }
    })
    .await?;
    Ok(web::Json(ApprovalPage {
        items,
        next_cursor,
        total,
    }))
}

/// One request with its facts and the history of its steps (404 when not visible to me).
#[utoipa::path(
    tag = "approvals",
    params(("id" = Uuid, Path, description = "approval request id")),
    responses(
        (status = 200, body = ApprovalDetail),
    )
)]
#[get("/api/v1/approvals/{id}")]
async fn get_approval(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApprovalDetail>, AppError> {
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| db::find_visible(c, &user, id)).await?;
    Ok(web::Json(d))
}
