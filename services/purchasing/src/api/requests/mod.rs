//! Purchase requests: entered by hand (by buyers and by anyone with a buying need: warehouse,
//! production, technical, projects) or made from the warehouse's shortages; `draft →
//! pending_approval → approved → ordered`, `rejected`, `cancelled`. Submitting goes to the
//! purchasing manager through the authority matrix; requests carry no prices.

mod types;

use types::{RequestDetail, RequestPage, RequestQuery};

use crate::app::requests::{self as app, RequestInput};
use crate::domain::requests::{ALL_SOURCES, RequestStatus, Scope};
use crate::domain::roles::REQUESTERS;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_purchase_requests)
        .service(get_purchase_request)
        .service(create_purchase_request)
        .service(update_purchase_request)
        .service(submit_purchase_request)
        .service(approve_purchase_request)
        .service(reject_purchase_request)
        .service(cancel_purchase_request);
}

erp_approval::decision_endpoints! {
    tag: "purchase requests", id: "purchase request id", body: RequestDetail,
    decide: app::decide,
    approve: approve_purchase_request = "/api/v1/purchase-requests/{id}/approve",
    reject: reject_purchase_request = "/api/v1/purchase-requests/{id}/reject",
    forbidden: "not the approver of this step, or one's own request",
    conflict: "not waiting for approval, or already decided",
}

#[utoipa::path(
    tag = "purchase requests",
    params(RequestQuery),
    responses(
        (status = 200, body = RequestPage),
    )
)]
#[get("/api/v1/purchase-requests")]
async fn list_purchase_requests(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<RequestQuery>,
) -> Result<web::Json<RequestPage>, AppError> {
    if Scope::of(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "purchase requests are visible to buyers, requesters and project control".into(),
        ));
    }
    let q = query.into_inner();
    let status = q
        .status
        .as_deref()
        .map(|s| RequestStatus::parse_field("status", s))
        .transpose()?;
    if let Some(s) = &q.source
        && !ALL_SOURCES.contains(&s.as_str())
    {
        return Err(AppError::validation("source", "is not a purchase request source"));
    }
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        app::list(c, &user, status, q.source.as_deref(), &paging)
    })
    .await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = RequestDetail),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/purchase-requests/{id}")]
async fn get_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<RequestDetail>, AppError> {
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get(c, &user, id)).await?;
    Ok(web::Json(v.into()))
}

/// A new draft request; items come from the catalogue.
#[utoipa::path(
    tag = "purchase requests",
    request_body = RequestInput,
    responses(
        (status = 201, body = RequestDetail),
        (status = 422, description = "invalid values; unknown or inactive item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests")]
async fn create_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<RequestInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&REQUESTERS)?;
    let input = body.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?;
    let d = RequestDetail::from(v);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-requests/{}", d.request.id)))
        .json(d))
}

/// Changes a draft (lines are replaced).
#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = RequestInput,
    responses(
        (status = 200, body = RequestDetail),
        (status = 409, description = "not a draft, or stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/purchase-requests/{id}")]
async fn update_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RequestInput>,
) -> Result<web::Json<RequestDetail>, AppError> {
    user.require_any(&REQUESTERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, &input)).await?;
    Ok(web::Json(v.into()))
}

/// Submits a draft to the purchasing manager (the authority matrix decides; with no rule the
/// request is approved at once).
#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = RequestDetail),
        (status = 409, description = "not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an item was deactivated since", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/submit")]
async fn submit_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<RequestDetail>, AppError> {
    user.require_any(&REQUESTERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::submit(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}

/// Cancels a request not yet on purchase orders; a pending approval (of the request or of its
/// supplier selection) is withdrawn with it.
#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = RequestDetail),
        (status = 409, description = "already ordered, rejected or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/cancel")]
async fn cancel_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<RequestDetail>, AppError> {
    user.require_any(&REQUESTERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}
