//! Sales invoices: issued by finance for what customers signed for and was not invoiced yet;
//! the sales orders as finance knows them (ordered, delivered, invoiced per line).

mod types;

use super::{FINANCE, READERS};
use crate::app::invoices::{self as app, IssueInvoiceInput};
use crate::db::sales::InvoiceFilter;
use actix_web::{HttpResponse, get, post, web};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{InvoicePage, InvoiceQuery, SalesInvoice, SalesOrderDetail};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_invoices)
        .service(get_invoice)
        .service(issue_invoice)
        .service(get_sales_order);
}

/// Issues a sales invoice for delivered quantities of a sales order (no more than delivered
/// minus invoiced per line): numbered `INV-<year>-<n>` without gaps, posted Dr 131 / Cr 511 /
/// Cr 33311, and announced as `finance.invoice.issued` (crm shows the invoiced quantities).
#[utoipa::path(
    tag = "sales invoices",
    request_body = IssueInvoiceInput,
    responses(
        (status = 201, body = SalesInvoice),
        (status = 404, description = "finance knows no such (approved) sales order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the period of the issue date is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a line is not of the order or above what is delivered and not invoiced", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/sales-invoices")]
async fn issue_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<IssueInvoiceInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&FINANCE)?;
    let input = body.into_inner();
    let meta = ctx.event_meta(&user);
    let invoice = erp_db::transaction(&ctx.pool, move |c| app::issue(c, &user, &input, &meta)).await?;
    Ok(HttpResponse::Created().json(SalesInvoice::from(invoice)))
}

#[utoipa::path(
    tag = "sales invoices",
    params(InvoiceQuery),
    responses(
        (status = 200, body = InvoicePage),
    )
)]
#[get("/api/v1/sales-invoices")]
async fn list_invoices(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<InvoiceQuery>,
) -> Result<web::Json<InvoicePage>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let filter = InvoiceFilter {
        order_id: q.order_id,
        customer_id: q.customer_id,
        from: q.from,
        to: q.to,
    };
    let (items, next_cursor) =
        erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, q.cursor.as_deref(), limit)).await?;
    Ok(web::Json(InvoicePage {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

#[utoipa::path(
    tag = "sales invoices",
    params(("id" = Uuid, Path, description = "invoice id")),
    responses(
        (status = 200, body = SalesInvoice),
    )
)]
#[get("/api/v1/sales-invoices/{id}")]
async fn get_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<SalesInvoice>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let invoice = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(invoice.into()))
}

/// A sales order as finance knows it: per line ordered, delivered and invoiced, so the
/// accountant sees what can be invoiced.
#[utoipa::path(
    tag = "sales invoices",
    params(("id" = Uuid, Path, description = "crm's sales order id")),
    responses(
        (status = 200, body = SalesOrderDetail),
    )
)]
#[get("/api/v1/sales-orders/{id}")]
async fn get_sales_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<SalesOrderDetail>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let order = erp_db::with_conn(&ctx.pool, move |c| app::order(c, id)).await?;
    Ok(web::Json(order.into()))
}
