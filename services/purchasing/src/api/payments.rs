//! Payment requests against a purchase order (DOMAIN.md §2, seed 001 §2 ④ and ⑦): a buyer asks
//! for a deposit, a part or the final payment; a `finance_manager` approves or rejects it, and
//! an approval publishes `purchasing.payment.requested`. Finance answers with
//! `finance.payment.made` (see `events::settlement`), which marks the request paid. Requests
//! not rejected never add up to more than the order total (or what its counted invoices come
//! to, when more).

use super::BUYERS;
use crate::db::settlement::{self, PAYMENT_STATUSES, PaymentRequest, payment_requests};
use crate::db::{self, PurchaseOrder};
use crate::domain::status::OrderStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_contracts::purchasing::PaymentRequested;
use erp_money::Currency;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who decides on payment requests.
pub const FINANCE_DECIDERS: [Role; 1] = [Role::FinanceManager];

/// Who sees the money side of purchase orders: buyers, finance and the vice president.
pub const SETTLEMENT_READERS: [Role; 6] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_order_payment_requests)
        .service(request_payment)
        .service(list_payment_requests)
        .service(get_payment_request)
        .service(approve_payment_request)
        .service(reject_payment_request);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// Before the goods come (seed 001 §2 ④).
    Deposit,
    /// Any payment in between.
    Part,
    /// The balance once the goods and the invoice are in (seed 001 §2 ⑦).
    Final,
}

impl PaymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Deposit => "deposit",
            PaymentKind::Part => "part",
            PaymentKind::Final => "final",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentRequestInput {
    pub kind: PaymentKind,
    /// In the order's currency, at its scale (no decimals for VND).
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// When the supplier is to be paid.
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
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

pub(crate) fn wrong_state(detail: String) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail,
    }
}

/// Money as shown: two places, like the stored amounts.
pub(crate) fn money(d: Decimal) -> Decimal {
    let mut d = d;
    d.rescale(2);
    d
}

pub(crate) fn currency_of(o: &PurchaseOrder) -> Result<Currency, AppError> {
    Currency::parse(&o.currency).map_err(AppError::internal)
}

/// An amount that must be positive and at the currency's scale.
fn check_amount(v: &mut Validator, field: &str, amount: Decimal, currency: Currency) {
    if amount <= Decimal::ZERO {
        v.add(field, "must be greater than zero");
    } else if amount.normalize().scale() > currency.scale() {
        v.add(
            field,
            format!(
                "must have at most {} decimal places in {}",
                currency.scale(),
                currency.code()
            ),
        );
    } else if amount >= Decimal::from(10_000_000_000_000_000i64) {
        v.add(field, "is too large");
    }
}

/// Trimmed text, `None` when blank.
pub(crate) fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Money may be asked for on approved, sent and (partially) received orders.
fn open_for_payment(status: OrderStatus) -> bool {
    status.is_open_for_receipt() || status == OrderStatus::Received
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
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::find_order(c, id)?;
        Ok(payment_requests::table
            .filter(payment_requests::order_id.eq(id))
            .order(payment_requests::id)
            .select(PaymentRequest::as_select())
            .load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
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
    let id = id.into_inner();
    let input = body.into_inner();
    let actor = user.actor();
    let pr = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if !open_for_payment(status) {
            return Err(wrong_state(format!(
                "payments are requested on approved, sent or received purchase orders; this one is {}",
                status.as_str()
            )));
        }
        let currency = currency_of(&o)?;
        let mut v = Validator::new();
        check_amount(&mut v, "amount", input.amount, currency);
        v.optional_text("note", input.note.as_deref(), 1000);
        v.finish()?;
        let counted = settlement::payment_total(c, id, &["requested", "approved", "paid"])?;
        let limit = settlement::payable_limit(c, &o)?;
        if counted + input.amount > limit {
            return Err(AppError::validation(
                "amount",
                format!(
                    "payment requests would come to {} of the order's {}: only {} is left to request",
                    money(counted + input.amount),
                    money(limit),
                    money((limit - counted).max(Decimal::ZERO))
                ),
            ));
        }
        let pid = Uuid::now_v7();
        let number = erp_db::next_number(c, "PAY", erp_calendar::today().year())?;
        diesel::insert_into(payment_requests::table)
            .values((
                payment_requests::id.eq(pid),
                payment_requests::number.eq(&number),
                payment_requests::order_id.eq(id),
                payment_requests::order_number.eq(&o.number),
                payment_requests::supplier_id.eq(o.supplier_id),
                payment_requests::kind.eq(input.kind.as_str()),
                payment_requests::currency.eq(&o.currency),
                payment_requests::amount.eq(input.amount),
                payment_requests::due_date.eq(input.due_date),
                payment_requests::note.eq(clean(input.note.as_deref())),
                payment_requests::status.eq("requested"),
                payment_requests::requested_by.eq(&actor),
            ))
            .execute(c)?;
        Ok(payment_requests::table
            .find(pid)
            .select(PaymentRequest::as_select())
            .first(c)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/payment-requests/{}", pr.id)))
        .json(pr))
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
    if let Some(s) = &q.status
        && !PAYMENT_STATUSES.contains(&s.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", PAYMENT_STATUSES.join(", ")),
        ));
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = payment_requests::table
            .select(PaymentRequest::as_select())
            .order(payment_requests::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(payment_requests::status.eq(s));
        }
        if let Some(o) = q.order_id {
            sql = sql.filter(payment_requests::order_id.eq(o));
        }
        if let Some(s) = q.supplier_id {
            sql = sql.filter(payment_requests::supplier_id.eq(s));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(payment_requests::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(PaymentRequestPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
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
    let pr = erp_db::with_conn(&ctx.pool, move |c| {
        payment_requests::table
            .find(id)
            .select(PaymentRequest::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("payment request"))
    })
    .await?;
    Ok(web::Json(pr))
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> Result<PaymentRequest, AppError> {
    user.require_any(&FINANCE_DECIDERS)?;
    let comment = clean(comment.as_deref());
    let mut v = Validator::new();
    v.optional_text("comment", comment.as_deref(), 2000);
    v.check(
        approve || comment.is_some(),
        "comment",
        "is required to reject a payment request",
    );
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    erp_db::transaction(&ctx.pool, move |c| {
        let order_id: Uuid = payment_requests::table
            .find(id)
            .select(payment_requests::order_id)
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("payment request"))?;
        // The order first, as every handler locks: one lock order, no deadlocks.
        let order = db::lock_order(c, order_id)?;
        let pr: PaymentRequest = payment_requests::table
            .find(id)
            .select(PaymentRequest::as_select())
            .for_update()
            .first(c)?;
        if pr.status != "requested" {
            return Err(wrong_state(format!("the payment request is already {}", pr.status)));
        }
        if pr.requested_by == actor {
            return Err(AppError::Forbidden(
                "nobody approves or rejects a payment they requested themselves".into(),
            ));
        }
        let order_status = OrderStatus::parse(&order.status)?;
        if approve && !open_for_payment(order_status) {
            return Err(wrong_state(format!(
                "the purchase order is {}; nothing more is paid on it",
                order_status.as_str()
            )));
        }
        let status = if approve { "approved" } else { "rejected" };
        diesel::update(payment_requests::table.find(id))
            .set((
                payment_requests::status.eq(status),
                payment_requests::decided_by.eq(&actor),
                payment_requests::decided_at.eq(Utc::now()),
                payment_requests::decision_comment.eq(&comment),
            ))
            .execute(c)?;
        if approve {
            let supplier =
                db::find_supplier(c, pr.supplier_id)?.ok_or_else(|| AppError::internal("supplier vanished"))?;
            erp_bus::enqueue(
                c,
                &meta,
                &PaymentRequested {
                    payment_request_id: pr.id,
                    number: pr.number.clone(),
                    order_id: pr.order_id,
                    order_number: pr.order_number.clone(),
                    supplier_id: supplier.id,
                    supplier_name: supplier.name.clone(),
                    supplier_bank_name: supplier.bank_name.clone(),
                    supplier_bank_account: supplier.bank_account.clone(),
                    kind: pr.kind.clone(),
                    currency: pr.currency.clone(),
                    amount: pr.amount,
                    due_date: pr.due_date,
                },
            )?;
        } else {
            // A rejected request may have been the last thing the order waited for.
            settlement::close_if_settled(c, order_id)?;
        }
        Ok(payment_requests::table
            .find(id)
            .select(PaymentRequest::as_select())
            .first(c)?)
    })
    .await
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
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
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
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}
