//! Sales invoices: issued by finance for what customers signed for and was not invoiced yet;
//! the sales orders as finance knows them (ordered, delivered, invoiced per line).

use super::{FINANCE, READERS, clean};
use crate::db::sales::{self, InvoiceFilter, IssueRequest, SalesInvoice, SalesOrderView};
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_invoices)
        .service(get_invoice)
        .service(issue_invoice)
        .service(get_sales_order);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceLineInput {
    pub order_line_id: Uuid,
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueInvoiceInput {
    pub order_id: Uuid,
    /// Today when absent; never in the future.
    pub issue_date: Option<NaiveDate>,
    /// What to invoice; when absent, everything delivered and not invoiced yet.
    pub lines: Option<Vec<InvoiceLineInput>>,
    pub memo: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    /// First issue date included.
    pub from: Option<NaiveDate>,
    /// Last issue date included.
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<SalesInvoice>,
    pub next_cursor: Option<String>,
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
    let today = erp_calendar::today();
    let issue_date = input.issue_date.unwrap_or(today);
    let memo = clean(input.memo.as_deref());
    let mut v = Validator::new();
    v.check(issue_date <= today, "issue_date", "must not be in the future");
    v.optional_text("memo", memo.as_deref(), 500);
    v.finish()?;
    let req = IssueRequest {
        order_id: input.order_id,
        issue_date,
        lines: input
            .lines
            .map(|ls| ls.into_iter().map(|l| (l.order_line_id, l.quantity)).collect()),
        memo,
    };
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let invoice = erp_db::transaction(&ctx.pool, move |c| sales::issue(c, &req, &actor, &meta)).await?;
    Ok(HttpResponse::Created().json(invoice))
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
    if let (Some(f), Some(t)) = (q.from, q.to)
        && f > t
    {
        return Err(AppError::validation("to", "must not be before from"));
    }
    let limit = erp_db::page_limit(q.limit);
    let filter = InvoiceFilter {
        order_id: q.order_id,
        customer_id: q.customer_id,
        from: q.from,
        to: q.to,
    };
    let (items, next_cursor) = erp_db::with_conn(&ctx.pool, move |c| {
        sales::list_invoices(c, &filter, q.cursor.as_deref(), limit)
    })
    .await?;
    Ok(web::Json(InvoicePage { items, next_cursor }))
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
    let invoice = erp_db::with_conn(&ctx.pool, move |c| sales::find_invoice(c, id))
        .await?
        .ok_or_else(|| AppError::not_found("sales invoice"))?;
    Ok(web::Json(invoice))
}

/// A sales order as finance knows it: per line ordered, delivered and invoiced, so the
/// accountant sees what can be invoiced.
#[utoipa::path(
    tag = "sales invoices",
    params(("id" = Uuid, Path, description = "crm's sales order id")),
    responses(
        (status = 200, body = SalesOrderView),
    )
)]
#[get("/api/v1/sales-orders/{id}")]
async fn get_sales_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<SalesOrderView>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let order = erp_db::with_conn(&ctx.pool, move |c| sales::find_order(c, id))
        .await?
        .ok_or_else(|| AppError::not_found("sales order"))?;
    Ok(web::Json(order))
}
