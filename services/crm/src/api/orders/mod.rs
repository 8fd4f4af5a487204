//! Sales orders (contracts): from an accepted quotation or direct; every contract field of
//! DOMAIN.md §1, the total in words, the seed-002 contract review (A–I); `draft →
//! pending_approval → approved → in_fulfilment → completed`, `cancelled`. Submitting checks
//! credit (open receivables from finance plus this order against the customer's limit) and
//! evaluates the authority matrix; approval publishes `crm.order.approved`.

mod types;

use super::SELLERS;
use crate::app::orders::{self as app, FromQuotation, OrderInput, ReviewInput};
use crate::db::sales_orders::OrderFilter;
use crate::domain::documents::OrderStatus;
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{OrderDetail, OrderPage, OrderQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_orders)
        .service(get_order)
        .service(create_order)
        .service(order_from_quotation)
        .service(update_order)
        .service(submit_order)
        .service(approve_order)
        .service(reject_order)
        .service(cancel_order)
        .service(review_order);
}

#[utoipa::path(
    tag = "orders",
    params(OrderQuery),
    responses(
        (status = 200, body = OrderPage),
    )
)]
#[get("/api/v1/orders")]
async fn list_orders(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<OrderQuery>,
) -> Result<web::Json<OrderPage>, AppError> {
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "orders are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let filter = OrderFilter {
        scope,
        status: q
            .status
            .as_deref()
            .map(|s| OrderStatus::parse_field("status", s))
            .transpose()?,
        customer_id: q.customer_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderDetail),
    )
)]
#[get("/api/v1/orders/{id}")]
async fn get_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get(c, &user, id)).await?;
    Ok(web::Json(v.into()))
}

fn created(d: OrderDetail) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/orders/{}", d.order.id)))
        .json(d)
}

/// A direct order (no quotation).
#[utoipa::path(
    tag = "orders",
    request_body = OrderInput,
    responses(
        (status = 201, body = OrderDetail),
    )
)]
#[post("/api/v1/orders")]
async fn create_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<OrderInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let input = body.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?;
    Ok(created(v.into()))
}

/// An order from an accepted quotation: its lines and prices, with the contract's details.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "quotation id")),
    request_body = FromQuotation,
    responses(
        (status = 201, body = OrderDetail),
        (status = 409, description = "the quotation is not accepted, or already ordered", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/order")]
async fn order_from_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<FromQuotation>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let (quotation_id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::from_quotation(c, &user, quotation_id, &input)).await?;
    Ok(created(v.into()))
}

/// Changes a draft (or a rejected order, which goes back to draft).
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = OrderInput,
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/orders/{id}")]
async fn update_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<OrderInput>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, &input)).await?;
    Ok(web::Json(v.into()))
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/submit")]
async fn submit_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::submit(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}

erp_approval::decision_endpoints! {
    tag: "orders", id: "order id", body: OrderDetail,
    decide: app::decide,
    approve: approve_order = "/api/v1/orders/{id}/approve",
    reject: reject_order = "/api/v1/orders/{id}/reject",
    forbidden: "not the approver of this step, or one's own order",
    conflict: "not waiting for approval, or already decided",
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "goods already requested", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/cancel")]
async fn cancel_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}

/// Records the contract review (seed 002 checklist A–I): each item's result and note.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = ReviewInput,
    responses(
        (status = 200, body = OrderDetail),
    )
)]
#[put("/api/v1/orders/{id}/review")]
async fn review_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReviewInput>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::review(c, &user, id, &input)).await?;
    Ok(web::Json(v.into()))
}
