//! Receipts: money recorded by sales and decided by finance (the decision is the receipt's
//! approval request, so it is in the finance managers' inbox as well).

use crate::api::SELLERS;
use crate::app::receipts::{self, ReceiptInput};
use crate::db::receipts::{Receipt as ReceiptRow, ReceiptFilter};
use crate::domain::fulfilment::ReceiptStatus;
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use erp_auth::{CurrentUser, Role};
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who decides on receipts.
pub const FINANCE_DECIDERS: [Role; 1] = [Role::FinanceManager];

pub(super) fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_order_receipts)
        .service(record_receipt)
        .service(list_receipts)
        .service(get_receipt)
        .service(confirm_receipt)
        .service(reject_receipt);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub received_on: NaiveDate,
    /// `bank_transfer`, `cash`, `cheque` or `other`.
    pub method: String,
    pub reference: Option<String>,
    /// `recorded` (waiting for finance), `confirmed` or `rejected`.
    #[schema(value_type = String)]
    pub status: ReceiptStatus,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

impl From<ReceiptRow> for Receipt {
    fn from(r: ReceiptRow) -> Self {
        Receipt {
            id: r.id,
            number: r.number,
            order_id: r.order_id,
            order_number: r.order_number,
            customer_id: r.customer_id,
            currency: r.currency,
            amount: r.amount,
            received_on: r.received_on,
            method: r.method,
            reference: r.reference,
            status: r.status,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            decision_comment: r.decision_comment,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptDecision {
    /// Required to reject.
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptQuery {
    /// `recorded`, `confirmed` or `rejected`.
    #[param(value_type = Option<ReceiptStatus>, inline)]
    pub status: Option<String>,
    pub order_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptPage {
    pub items: Vec<Receipt>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<ReceiptRow>> for ReceiptPage {
    fn from(p: Page<ReceiptRow>) -> Self {
        let p = p.map(Receipt::from);
        ReceiptPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = Vec<Receipt>),
    )
)]
#[get("/api/v1/orders/{id}/receipts")]
async fn list_order_receipts(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<Receipt>>, AppError> {
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| receipts::of_order(c, &user, id)).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// Records money received on an approved or in-fulfilment order; it counts as paid once a
/// finance manager confirms it. Receipts not rejected may not add up to more than the total.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = ReceiptInput,
    responses(
        (status = 201, body = Receipt),
        (status = 409, description = "the order is not approved or in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/receipts")]
async fn record_receipt(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReceiptInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let receipt: Receipt = erp_db::transaction(&ctx.pool, move |c| receipts::record(c, &user, id, &input, &meta))
        .await?
        .into();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/receipts/{}", receipt.id)))
        .json(receipt))
}

/// Receipts of the orders one may see; finance sees all (`status=recorded` is its work list).
#[utoipa::path(
    tag = "payments",
    params(ReceiptQuery),
    responses(
        (status = 200, body = ReceiptPage),
    )
)]
#[get("/api/v1/receipts")]
async fn list_receipts(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<ReceiptQuery>,
) -> Result<web::Json<ReceiptPage>, AppError> {
    if scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "receipts are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let filter = ReceiptFilter {
        status: q
            .status
            .as_deref()
            .map(|s| ReceiptStatus::parse_field("status", s))
            .transpose()?,
        order_id: q.order_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| receipts::list(c, &user, filter, paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "receipt id")),
    responses(
        (status = 200, body = Receipt),
    )
)]
#[get("/api/v1/receipts/{id}")]
async fn get_receipt(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Receipt>, AppError> {
    let id = id.into_inner();
    let r = erp_db::with_conn(&ctx.pool, move |c| receipts::get(c, &user, id)).await?;
    Ok(web::Json(r.into()))
}

/// Confirms (`confirm`) or rejects the receipt as a finance manager.
async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    confirm: bool,
    body: ReceiptDecision,
) -> Result<web::Json<Receipt>, AppError> {
    user.require_any(&FINANCE_DECIDERS)?;
    let meta = ctx.event_meta(&user);
    let r = erp_db::transaction(&ctx.pool, move |c| {
        receipts::decide(c, id, &user, confirm, body.comment.as_deref(), &meta)
    })
    .await?;
    Ok(web::Json(r.into()))
}

/// A finance manager confirms the money arrived; publishes `crm.receipt.confirmed`. An order
/// fully shipped and now fully paid is completed.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "receipt id")),
    request_body = ReceiptDecision,
    responses(
        (status = 200, body = Receipt),
        (status = 409, description = "already confirmed or rejected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/receipts/{id}/confirm")]
async fn confirm_receipt(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReceiptDecision>,
) -> Result<web::Json<Receipt>, AppError> {
    decide(&ctx, user, id.into_inner(), true, body.into_inner()).await
}

/// A finance manager rejects a receipt (the money did not arrive), with a comment.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "receipt id")),
    request_body = ReceiptDecision,
    responses(
        (status = 200, body = Receipt),
        (status = 409, description = "already confirmed or rejected", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/receipts/{id}/reject")]
async fn reject_receipt(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReceiptDecision>,
) -> Result<web::Json<Receipt>, AppError> {
    decide(&ctx, user, id.into_inner(), false, body.into_inner()).await
}
