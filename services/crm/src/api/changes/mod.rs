//! Change requests on an approved order (seed 002 "change review"): proposed line and term
//! changes with their own review record (A–I) and their own approval through the matrix
//! (document type `order_change`); applied to the order only when approved, which publishes
//! `crm.order.changed`.

mod types;

use super::SELLERS;
use crate::app::changes::{self as app, ChangeInput, ChangeReview};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::ChangeRequest;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_changes)
        .service(create_change)
        .service(review_change)
        .service(submit_change)
        .service(approve_change)
        .service(reject_change)
        .service(cancel_change);
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = Vec<ChangeRequest>),
    )
)]
#[get("/api/v1/orders/{id}/change-requests")]
async fn list_changes(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ChangeRequest>>, AppError> {
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| app::of_order(c, &user, id)).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// Proposes changes to an approved order; the order itself does not change until approval.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = ChangeInput,
    responses(
        (status = 201, body = ChangeRequest),
        (status = 409, description = "the order is not approved or in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/change-requests")]
async fn create_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ChangeInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let change = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, id, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/orders/{id}/change-requests")))
        .json(ChangeRequest::from(change)))
}

/// Records the change review (items A–I) before submitting.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    request_body = ChangeReview,
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/change-requests/{id}/review")]
async fn review_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ChangeReview>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let change = erp_db::transaction(&ctx.pool, move |c| app::review(c, &user, id, &input)).await?;
    Ok(web::Json(change.into()))
}

/// Submits the change for approval; a change without a review record is refused (422).
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/change-requests/{id}/submit")]
async fn submit_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let change = erp_db::transaction(&ctx.pool, move |c| app::submit(c, &user, id, &meta)).await?;
    Ok(web::Json(change.into()))
}

erp_approval::decision_endpoints! {
    tag: "orders", id: "change request id", body: ChangeRequest,
    decide: app::decide,
    approve: approve_change = "/api/v1/change-requests/{id}/approve",
    reject: reject_change = "/api/v1/change-requests/{id}/reject",
    forbidden: "not the approver of this step, or one's own change request",
    conflict: "not waiting for approval, or already decided",
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/change-requests/{id}/cancel")]
async fn cancel_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let change = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, &user, id, &meta)).await?;
    Ok(web::Json(change.into()))
}
