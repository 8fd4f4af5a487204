//! Purchase orders: made from an approved request whose supplier selection project control
//! approved (one order per supplier, at the quoted prices, lines keeping their request line) or
//! entered directly; totals by the money rules; `draft → pending_approval → approved → sent`,
//! `rejected`, `cancelled` (and the receiving states, moved by arrivals). Submitting evaluates
//! the authority matrix by amount; the last approval publishes `purchasing.order.approved`.

mod types;

use crate::app::orders::{self as app, FromRequestInput, OrderInput};
use crate::db::orders::OrderFilter;
use crate::domain::orders::OrderStatus;
use crate::domain::roles::{BUYERS, ORDER_READERS};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{CreatedOrders, OrderDetail, OrderPage, OrderQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_purchase_orders)
        .service(get_purchase_order)
        .service(create_purchase_order)
        .service(orders_from_purchase_request)
        .service(update_purchase_order)
        .service(submit_purchase_order)
        .service(approve_purchase_order)
        .service(reject_purchase_order)
        .service(send_purchase_order)
        .service(cancel_purchase_order);
}

#[utoipa::path(
    tag = "purchase orders",
    params(OrderQuery),
    responses(
        (status = 200, body = OrderPage),
    )
)]
#[get("/api/v1/purchase-orders")]
async fn list_purchase_orders(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<OrderQuery>,
) -> Result<web::Json<OrderPage>, AppError> {
    if !user.has_any_role(&ORDER_READERS) {
        return Err(AppError::Forbidden(
            "purchase orders are visible to buyers, leaders, finance, the warehouse and project control".into(),
        ));
    }
    let q = query.into_inner();
    let filter = OrderFilter {
        status: q
            .status
            .as_deref()
            .map(|s| OrderStatus::parse_field("status", s))
            .transpose()?,
        supplier_id: q.supplier_id,
        request_id: q.request_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/purchase-orders/{id}")]
async fn get_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    if !user.has_any_role(&ORDER_READERS) {
        return Err(AppError::not_found("purchase order"));
    }
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(v.into()))
}

/// A direct order (no request): lines at the buyer's prices.
#[utoipa::path(
    tag = "purchase orders",
    request_body = OrderInput,
    responses(
        (status = 201, body = OrderDetail),
        (status = 422, description = "invalid values; unknown or inactive item or supplier", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders")]
async fn create_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<OrderInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let input = body.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?;
    let d = OrderDetail::from(v);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-orders/{}", d.order.id)))
        .json(d))
}

/// Makes the purchase orders of an approved request whose supplier selection was approved: one
/// per supplier, at the quoted prices, for what is still open on each request line (at most the
/// quoted quantity). The request becomes `ordered` when every line is fully ordered.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = FromRequestInput,
    responses(
        (status = 201, body = CreatedOrders),
        (status = 409, description = "the request or its supplier selection is not approved, the supplier is inactive, or nothing is left to order", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/orders")]
async fn orders_from_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<FromRequestInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let views = erp_db::transaction(&ctx.pool, move |c| app::from_request(c, &user, id, &input)).await?;
    let created = CreatedOrders {
        orders: views.into_iter().map(Into::into).collect(),
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-orders?request_id={id}")))
        .json(created))
}

/// Changes a draft or rejected order (lines are replaced; it becomes a draft again). On an
/// order made from a request, lines keep their `request_line_id` and the request's ordered
/// quantities follow the change.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = OrderInput,
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "not a draft, or stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/purchase-orders/{id}")]
async fn update_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<OrderInput>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::update(c, id, &input)).await?;
    Ok(web::Json(v.into()))
}

/// Submits for approval: the purchasing manager, and above 100,000,000 VND the general manager
/// after them (the authority matrix decides); with no rule the order is approved at once.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "not a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/submit")]
async fn submit_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::submit(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}

erp_approval::decision_endpoints! {
    tag: "purchase orders", id: "purchase order id", body: OrderDetail,
    decide: app::decide,
    approve: approve_purchase_order = "/api/v1/purchase-orders/{id}/approve",
    reject: reject_purchase_order = "/api/v1/purchase-orders/{id}/reject",
    forbidden: "not the approver of this step, or one's own order",
    conflict: "not waiting for approval, already decided, or a later step",
}

/// The approved order went to the supplier.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "not approved", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/send")]
async fn send_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| app::send(c, id)).await?;
    Ok(web::Json(v.into()))
}

/// Cancels an order nothing was received on; a pending approval is withdrawn, and the request
/// lines it bought are open to order again (an `ordered` request is `approved` again).
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "goods were received, or already cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/cancel")]
async fn cancel_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, &user, id, &meta)).await?;
    Ok(web::Json(v.into()))
}
