//! Supplier invoices (DOMAIN.md §2: received and matched to order and receipt). A buyer enters
//! the supplier's invoice against a purchase order; each line is matched three ways — quantity
//! against what was received and not yet invoiced, unit price and tax rate against the order —
//! within the tolerances. A matched invoice raises the order lines' `invoiced` and publishes
//! `purchasing.invoice.received`; one with differences is `blocked`, with the reasons listed,
//! until a `purchasing_manager` accepts it (then it counts as matched) or rejects it (the
//! invoice waits in their approvals inbox).

mod types;

use crate::app::invoices::{self as app, InvoiceInput};
use crate::db::invoices::InvoiceFilter;
use crate::domain::roles::{BUYERS, INVOICE_DECIDERS, SETTLEMENT_READERS};
use crate::domain::settlement::InvoiceStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{InvoiceDecision, InvoiceDetail, InvoicePage, InvoiceQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_order_invoices)
        .service(record_invoice)
        .service(list_invoices)
        .service(get_invoice)
        .service(accept_invoice)
        .service(reject_invoice);
}

#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = Vec<InvoiceDetail>),
    )
)]
#[get("/api/v1/purchase-orders/{id}/invoices")]
async fn list_order_invoices(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<InvoiceDetail>>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let id = id.into_inner();
    let views = erp_db::with_conn(&ctx.pool, move |c| app::of_order(c, id)).await?;
    Ok(web::Json(views.into_iter().map(Into::into).collect()))
}

/// A buyer enters the supplier's invoice for an approved, sent or (partially) received order.
/// Totals are computed per line at the currency's scale. Matched within the tolerances, it
/// publishes `purchasing.invoice.received`; otherwise it is `blocked` with the reasons listed.
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = InvoiceInput,
    responses(
        (status = 201, description = "matched or blocked: see `status` and `mismatches`", body = InvoiceDetail),
        (status = 409, description = "the supplier's invoice number is already recorded, or the order is not open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/invoices")]
async fn record_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<InvoiceInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::record(c, &user, id, &input, &meta)).await?;
    let d = InvoiceDetail::from(v);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/supplier-invoices/{}", d.invoice.id)))
        .json(d))
}

/// Supplier invoices of every order; `status=blocked` is the purchasing manager's work list.
#[utoipa::path(
    tag = "supplier invoices",
    params(InvoiceQuery),
    responses(
        (status = 200, body = InvoicePage),
    )
)]
#[get("/api/v1/supplier-invoices")]
async fn list_invoices(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<InvoiceQuery>,
) -> Result<web::Json<InvoicePage>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let q = query.into_inner();
    let filter = InvoiceFilter {
        status: q
            .status
            .as_deref()
            .map(|s| InvoiceStatus::parse_field("status", s))
            .transpose()?,
        order_id: q.order_id,
        supplier_id: q.supplier_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "supplier invoice id")),
    responses(
        (status = 200, body = InvoiceDetail),
    )
)]
#[get("/api/v1/supplier-invoices/{id}")]
async fn get_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    if !user.has_any_role(&SETTLEMENT_READERS) {
        return Err(AppError::not_found("supplier invoice"));
    }
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(v.into()))
}

/// The accept and reject calls: the purchasing manager's decision on the invoice's approval.
async fn decide(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: Uuid,
    accept: bool,
    body: InvoiceDecision,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    user.require_any(&INVOICE_DECIDERS)?;
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| {
        app::decide(c, id, &user, accept, &body.comment, &meta)
    })
    .await?;
    Ok(web::Json(v.into()))
}

/// A purchasing manager accepts a blocked invoice's differences, saying why: it then counts
/// as matched (`purchasing.invoice.received`).
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "supplier invoice id")),
    request_body = InvoiceDecision,
    responses(
        (status = 200, body = InvoiceDetail),
        (status = 409, description = "the invoice is not blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/supplier-invoices/{id}/accept")]
async fn accept_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<InvoiceDecision>,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    decide(ctx, user, id.into_inner(), true, body.into_inner()).await
}

/// A purchasing manager rejects a blocked invoice, saying why; its number may be entered again
/// (the supplier's corrected invoice).
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "supplier invoice id")),
    request_body = InvoiceDecision,
    responses(
        (status = 200, body = InvoiceDetail),
        (status = 409, description = "the invoice is not blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/supplier-invoices/{id}/reject")]
async fn reject_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<InvoiceDecision>,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    decide(ctx, user, id.into_inner(), false, body.into_inner()).await
}
