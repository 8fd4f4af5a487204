//! Payment requests against a purchase order (DOMAIN.md §2, seed 001 §2 ④ and ⑦): a buyer asks
//! for a deposit, a part or the final payment; a `finance_manager` approves or rejects it (the
//! request waits in their approvals inbox), and an approval publishes
//! `purchasing.payment.requested`. Finance answers with `finance.payment.made`, which marks the
//! request paid.

use crate::app::payments::{self as app, PaymentRequestInput};
use crate::db::payments::{PaymentFilter, PaymentRequestRow};
use crate::domain::roles::{BUYERS, FINANCE_DECIDERS, SETTLEMENT_READERS};
use crate::domain::settlement::PaymentStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_order_payment_requests)
        .service(request_payment)
        .service(list_payment_requests)
        .service(get_payment_request)
        .service(approve_payment_request)
        .service(reject_payment_request);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    /// `deposit`, `part` or `final`.
    pub kind: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
    /// `requested` (waiting for finance), `approved` (to be paid), `rejected` or `paid`.
    #[schema(value_type = String)]
    pub status: PaymentStatus,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    #[schema(value_type = Option<String>)]
    pub paid_amount: Option<Decimal>,
    pub paid_on: Option<NaiveDate>,
    pub payment_reference: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

impl From<PaymentRequestRow> for PaymentRequest {
    fn from(r: PaymentRequestRow) -> Self {
        PaymentRequest {
            id: r.id,
            number: r.number,
            order_id: r.order_id,
            order_number: r.order_number,
            supplier_id: r.supplier_id,
            kind: r.kind,
            currency: r.currency,
            amount: r.amount,
            due_date: r.due_date,
            note: r.note,
            status: r.status,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            decision_comment: r.decision_comment,
            paid_amount: r.paid_amount,
            paid_on: r.paid_on,
            payment_reference: r.payment_reference,
            paid_at: r.paid_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentDecision {
    /// Required to reject.
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentRequestQuery {
    /// `requested` (finance's work list), `approved`, `rejected` or `paid`.
    #[param(value_type = Option<PaymentStatus>, inline)]
    pub status: Option<String>,
    pub order_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRequestPage {
    pub items: Vec<PaymentRequest>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<PaymentRequestRow>> for PaymentRequestPage {
    fn from(p: Page<PaymentRequestRow>) -> Self {
        let p = p.map(PaymentRequest::from);
        PaymentRequestPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[utoipa::path(
    tag = "payment requests",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = Vec<PaymentRequest>),
    )
)]
#[get("/api/v1/purchase-orders/{id}/payment-requests")]
async fn list_order_payment_requests(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<PaymentRequest>>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| app::of_order(c, id)).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

/// A buyer asks finance to pay the supplier: a deposit, a part or the final payment of an
/// approved, sent or (partially) received order. Requests not rejected may not add up to more
/// than the order total (or the counted invoices' total when that is more).
#[utoipa::path(
    tag = "payment requests",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = PaymentRequestInput,
    responses(
        (status = 201, body = PaymentRequest),
        (status = 409, description = "the order is not approved, sent or received", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/payment-requests")]
async fn request_payment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PaymentRequestInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let pr = erp_db::transaction(&ctx.pool, move |c| app::request(c, &user, id, &input, &meta)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/payment-requests/{}", pr.id)))
        .json(PaymentRequest::from(pr)))
}

/// Payment requests of every order; `status=requested` is finance's work list.
#[utoipa::path(
    tag = "payment requests",
    params(PaymentRequestQuery),
    responses(
        (status = 200, body = PaymentRequestPage),
    )
)]
#[get("/api/v1/payment-requests")]
async fn list_payment_requests(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<PaymentRequestQuery>,
) -> Result<web::Json<PaymentRequestPage>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let q = query.into_inner();
    let filter = PaymentFilter {
        status: q
            .status
            .as_deref()
            .map(|s| PaymentStatus::parse_field("status", s))
            .transpose()?,
        order_id: q.order_id,
        supplier_id: q.supplier_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "payment requests",
    params(("id" = Uuid, Path, description = "payment request id")),
    responses(
        (status = 200, body = PaymentRequest),
    )
)]
#[get("/api/v1/payment-requests/{id}")]
async fn get_payment_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<PaymentRequest>, AppError> {
    if !user.has_any_role(&SETTLEMENT_READERS) {
        return Err(AppError::not_found("payment request"));
    }
    let id = id.into_inner();
    let pr = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(pr.into()))
}

/// The approve and reject calls: the finance manager's decision on the request's approval.
async fn decide(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    body: PaymentDecision,
) -> Result<web::Json<PaymentRequest>, AppError> {
    user.require_any(&FINANCE_DECIDERS)?;
    let meta = ctx.event_meta(&user);
    let pr = erp_db::transaction(&ctx.pool, move |c| {
        app::decide(c, id, &user, approve, body.comment.as_deref(), &meta)
    })
    .await?;
    Ok(web::Json(pr.into()))
}

/// A finance manager approves the payment; `purchasing.payment.requested` tells finance to pay.
#[utoipa::path(
    tag = "payment requests",
    params(("id" = Uuid, Path, description = "payment request id")),
    request_body = PaymentDecision,
    responses(
        (status = 200, body = PaymentRequest),
        (status = 409, description = "already decided, or the order is cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/payment-requests/{id}/approve")]
async fn approve_payment_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PaymentDecision>,
) -> Result<web::Json<PaymentRequest>, AppError> {
    decide(ctx, user, id.into_inner(), true, body.into_inner()).await
}

/// A finance manager rejects the payment, with a comment; its amount may be requested again.
#[utoipa::path(
    tag = "payment requests",
    params(("id" = Uuid, Path, description = "payment request id")),
    request_body = PaymentDecision,
    responses(
        (status = 200, body = PaymentRequest),
        (status = 409, description = "already decided", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/payment-requests/{id}/reject")]
async fn reject_payment_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PaymentDecision>,
) -> Result<web::Json<PaymentRequest>, AppError> {
    decide(ctx, user, id.into_inner(), false, body.into_inner()).await
}
