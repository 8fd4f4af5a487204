//! Quotations: priced lines, totals by the money rules, validity, revisions; `draft →
//! pending_approval → approved → sent → accepted | rejected | expired`, `cancelled`. Submitting
//! evaluates the authority matrix (a line below its floor price, a low margin, a large total).

mod types;

use super::SELLERS;
use crate::app::quotations::{self as app, QuotationInput};
use crate::db::quotations::QuotationFilter;
use crate::domain::documents::{QuotationAction, QuotationStatus};
use crate::domain::visibility::{Scope, selling_scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{QuotationDetail, QuotationPage, QuotationQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_quotations)
        .service(get_quotation)
        .service(create_quotation)
        .service(update_quotation)
        .service(submit_quotation)
        .service(approve_quotation)
        .service(reject_quotation)
        .service(send_quotation)
        .service(accept_quotation)
        .service(decline_quotation)
        .service(cancel_quotation)
        .service(revise_quotation);
}

#[utoipa::path(
    tag = "quotations",
    params(QuotationQuery),
    responses(
        (status = 200, body = QuotationPage),
    )
)]
#[get("/api/v1/quotations")]
async fn list_quotations(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<QuotationQuery>,
) -> Result<web::Json<QuotationPage>, AppError> {
    let scope = selling_scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "quotations are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let filter = QuotationFilter {
        scope,
        status: q
            .status
            .as_deref()
            .map(|s| QuotationStatus::parse_field("status", s))
            .transpose()?,
        customer_id: q.customer_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
    )
)]
#[get("/api/v1/quotations/{id}")]
async fn get_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get(c, &user, id)).await?;
    Ok(web::Json(v.into()))
}

fn created(d: QuotationDetail) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/quotations/{}", d.quotation.id)))
        .json(d)
}

/// A new quotation for a visible customer; prices default to the price list.
#[utoipa::path(
    tag = "quotations",
    request_body = QuotationInput,
    responses(
        (status = 201, body = QuotationDetail),
        (status = 404, description = "unknown or invisible customer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid values; unknown or inactive item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations")]
async fn create_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<QuotationInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let input = body.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?;
    Ok(created(v.into()))
}

/// Changes a draft (lines are replaced).
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    request_body = QuotationInput,
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, description = "not a draft, or stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/quotations/{id}")]
async fn update_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<QuotationInput>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, &input)).await?;
    Ok(web::Json(v.into()))
}

/// Submits for approval: the authority matrix decides who must approve; when no rule applies
/// the quotation is approved at once.
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/submit")]
async fn submit_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::submit(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}

erp_approval::decision_endpoints! {
    tag: "quotations", id: "quotation id", body: QuotationDetail,
    decide: app::decide,
    approve: approve_quotation = "/api/v1/quotations/{id}/approve",
    reject: reject_quotation = "/api/v1/quotations/{id}/reject",
    forbidden: "not the approver of this step, or one's own quotation",
    conflict: "not waiting for approval, or already decided",
}

/// The owner's moves after approval: send, the customer's answer.
async fn owner_move(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    action: QuotationAction,
) -> Result<web::Json<QuotationDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let outcome = erp_db::transaction(&ctx.pool, move |c| app::owner_move(c, &user, id, action)).await?;
    Ok(web::Json(outcome.into_result()?.into()))
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, description = "not approved yet, or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/send")]
async fn send_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    owner_move(&ctx, user, id.into_inner(), QuotationAction::Send).await
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/accept")]
async fn accept_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    owner_move(&ctx, user, id.into_inner(), QuotationAction::Accept).await
}

/// The customer declined.
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/decline")]
async fn decline_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    owner_move(&ctx, user, id.into_inner(), QuotationAction::Decline).await
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/cancel")]
async fn cancel_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}

/// A new revision (a draft with the same number and lines, revision + 1); this one is cancelled.
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 201, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/revise")]
async fn revise_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| app::revise(c, &user, id)).await?;
    Ok(created(v.into()))
}
