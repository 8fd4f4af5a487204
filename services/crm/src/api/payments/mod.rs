//! Money of a sales order (DOMAIN.md §1): the payment plan (instalments with due dates that sum
//! to the order total) and receipts. Sales records money received; a `finance_manager`
//! confirms or rejects it, and a confirmation publishes `crm.receipt.confirmed`. Confirmed
//! receipts pay the instalments oldest first; an instalment past its due date and not fully
//! paid is overdue.

use super::SELLERS;
use super::shipments::complete_if_done;
use crate::db::fulfilment::{self, Instalment, Receipt, payment_plan_instalments, receipts};
use crate::db::{self, SalesOrder, schema::sales_orders};
use crate::domain::documents::OrderStatus;
use crate::domain::visibility::{Scope, scope, scoped};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_contracts::crm::ReceiptConfirmed;
use erp_money::Currency;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who decides on receipts.
pub const FINANCE_DECIDERS: [Role; 1] = [Role::FinanceManager];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_payment_plan)
        .service(set_payment_plan)
        .service(list_order_receipts)
        .service(record_receipt)
        .service(list_receipts)
        .service(get_receipt)
        .service(confirm_receipt)
        .service(reject_receipt);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InstalmentInput {
    pub due_date: NaiveDate,
    /// At the order currency's scale (no decimals for VND).
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentPlanInput {
    /// In due-date order; the amounts sum to the order total exactly.
    pub instalments: Vec<InstalmentInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstalmentView {
    pub seq: i32,
    pub due_date: NaiveDate,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub note: Option<String>,
    /// Confirmed receipts allocated to this instalment (oldest instalment first).
    #[schema(value_type = String)]
    pub paid: Decimal,
    #[schema(value_type = String)]
    pub outstanding: Decimal,
    /// Past its due date and not fully paid.
    pub overdue: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPlan {
    pub order_id: Uuid,
    pub currency: String,
    /// The order total.
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The sum of the instalments (differs from the total only if a draft order changed since).
    #[schema(value_type = String)]
    pub planned: Decimal,
    /// Confirmed receipts.
    #[schema(value_type = String)]
    pub paid: Decimal,
    pub instalments: Vec<InstalmentView>,
    pub set_by: Option<String>,
    pub set_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptMethod {
    BankTransfer,
    Cash,
    Cheque,
    Other,
}

impl ReceiptMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptMethod::BankTransfer => "bank_transfer",
            ReceiptMethod::Cash => "cash",
            ReceiptMethod::Cheque => "cheque",
            ReceiptMethod::Other => "other",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptInput {
    /// In the order's currency, at its scale.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Not in the future.
    pub received_on: NaiveDate,
    pub method: ReceiptMethod,
    /// Bank transaction, cheque number…
    pub reference: Option<String>,
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

const RECEIPT_STATUSES: [&str; 3] = ["recorded", "confirmed", "rejected"];

/// Money as stored (two places), so computed sums look like the stored amounts.
fn money(d: Decimal) -> Decimal {
    let mut d = d;
    d.rescale(2);
    d
}

fn currency_of(o: &SalesOrder) -> Result<Currency, AppError> {
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

fn wrong_state(detail: String) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail,
    }
}

/// The plan with confirmed receipts allocated oldest instalment first.
fn plan_view(c: &mut PgConnection, o: &SalesOrder) -> Result<PaymentPlan, AppError> {
    let rows: Vec<Instalment> = fulfilment::instalments(c, o.id)?;
    let paid = fulfilment::receipts_total(c, o.id, &["confirmed"])?;
    let today = erp_calendar::today();
    let mut left = paid;
    let instalments = rows
        .iter()
        .map(|r| {
            let covered = left.min(r.amount).max(Decimal::ZERO);
            left -= covered;
            InstalmentView {
                seq: r.seq,
                due_date: r.due_date,
                amount: money(r.amount),
                note: r.note.clone(),
                paid: money(covered),
                outstanding: money(r.amount - covered),
                overdue: r.due_date < today && covered < r.amount,
            }
        })
        .collect();
    Ok(PaymentPlan {
        order_id: o.id,
        currency: o.currency.clone(),
        total: money(o.total),
        planned: money(rows.iter().map(|r| r.amount).sum()),
        paid: money(paid),
        instalments,
        set_by: rows.first().map(|r| r.set_by.clone()),
        set_at: rows.first().map(|r| r.set_at),
    })
}

/// The order's payment plan, each instalment with what confirmed receipts paid of it.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = PaymentPlan),
    )
)]
#[get("/api/v1/orders/{id}/payment-plan")]
async fn get_payment_plan(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<PaymentPlan>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let plan = erp_db::with_conn(&ctx.pool, move |c| {
        let o = db::visible_order(c, scope, id)?;
        plan_view(c, &o)
    })
    .await?;
    Ok(web::Json(plan))
}

/// Replaces the payment plan while the order is a draft, approved or in fulfilment: due dates
/// ascending, amounts at the currency's scale summing to the order total exactly.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = PaymentPlanInput,
    responses(
        (status = 200, body = PaymentPlan),
        (status = 409, description = "the order is not a draft, approved or in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/orders/{id}/payment-plan")]
async fn set_payment_plan(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PaymentPlanInput>,
) -> Result<web::Json<PaymentPlan>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let actor = user.actor();
    let plan = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if !matches!(
            status,
            OrderStatus::Draft | OrderStatus::Approved | OrderStatus::InFulfilment
        ) {
            return Err(wrong_state(format!(
                "the payment plan of a {} order cannot change",
                status.as_str()
            )));
        }
        let currency = currency_of(&o)?;
        let mut v = Validator::new();
        v.check(
            !input.instalments.is_empty(),
            "instalments",
            "must have at least one instalment",
        );
        let mut previous: Option<NaiveDate> = None;
        for (i, inst) in input.instalments.iter().enumerate() {
            check_amount(&mut v, &format!("instalments[{i}].amount"), inst.amount, currency);
            v.optional_text(&format!("instalments[{i}].note"), inst.note.as_deref(), 1000);
            if let Some(p) = previous
                && inst.due_date <= p
            {
                v.add(
                    format!("instalments[{i}].due_date"),
                    "must be after the previous instalment's due date",
                );
            }
            previous = Some(inst.due_date);
        }
        let sum: Decimal = input.instalments.iter().map(|i| i.amount).sum();
        if !input.instalments.is_empty() && sum != o.total {
            v.add(
                "instalments",
                format!("the amounts sum to {}; the order total is {}", sum, money(o.total)),
            );
        }
        v.finish()?;
        diesel::delete(payment_plan_instalments::table.filter(payment_plan_instalments::order_id.eq(id))).execute(c)?;
        let now = Utc::now();
        let rows: Vec<_> = input
            .instalments
            .iter()
            .enumerate()
            .map(|(i, inst)| {
                (
                    payment_plan_instalments::order_id.eq(id),
                    payment_plan_instalments::seq.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                    payment_plan_instalments::due_date.eq(inst.due_date),
                    payment_plan_instalments::amount.eq(inst.amount),
                    payment_plan_instalments::note.eq(inst.note.as_deref().map(str::trim).filter(|n| !n.is_empty())),
                    payment_plan_instalments::set_by.eq(&actor),
                    payment_plan_instalments::set_at.eq(now),
                )
            })
            .collect();
        diesel::insert_into(payment_plan_instalments::table)
            .values(rows)
            .execute(c)?;
        plan_view(c, &o)
    })
    .await?;
    Ok(web::Json(plan))
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
    let scope = scope(&user);
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::visible_order(c, scope, id)?;
        fulfilment::receipts_of(c, id)
    })
    .await?;
    Ok(web::Json(rows))
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
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let actor = user.actor();
    let receipt = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if !status.is_open_for_fulfilment() {
            return Err(wrong_state(format!(
                "money is recorded on approved or in-fulfilment orders; this one is {}",
                status.as_str()
            )));
        }
        let currency = currency_of(&o)?;
        let mut v = Validator::new();
        check_amount(&mut v, "amount", input.amount, currency);
        v.optional_text("reference", input.reference.as_deref(), 200);
        v.check(
            input.received_on <= erp_calendar::today(),
            "received_on",
            "must not be in the future",
        );
        v.finish()?;
        let counted = fulfilment::receipts_total(c, id, &["recorded", "confirmed"])?;
        if counted + input.amount > o.total {
            return Err(AppError::validation(
                "amount",
                format!(
                    "only {} of the order total {} is not yet received",
                    money((o.total - counted).max(Decimal::ZERO)),
                    money(o.total)
                ),
            ));
        }
        let rid = Uuid::now_v7();
        let number = erp_db::next_number(c, "RC", erp_calendar::today().year())?;
        diesel::insert_into(receipts::table)
            .values((
                receipts::id.eq(rid),
                receipts::number.eq(&number),
                receipts::order_id.eq(id),
                receipts::order_number.eq(&o.number),
                receipts::customer_id.eq(o.customer_id),
                receipts::currency.eq(&o.currency),
                receipts::amount.eq(input.amount),
                receipts::received_on.eq(input.received_on),
                receipts::method.eq(input.method.as_str()),
                receipts::reference.eq(input.reference.as_deref().map(str::trim).filter(|r| !r.is_empty())),
                receipts::status.eq("recorded"),
                receipts::recorded_by.eq(&actor),
            ))
            .execute(c)?;
        Ok(receipts::table.find(rid).select(Receipt::as_select()).first(c)?)
    })
    .await?;
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
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "receipts are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    if let Some(s) = &q.status
        && !RECEIPT_STATUSES.contains(&s.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", RECEIPT_STATUSES.join(", ")),
        ));
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = receipts::table
            .inner_join(sales_orders::table)
            .select(Receipt::as_select())
            .order(receipts::id)
            .limit(limit + 1)
            .into_boxed();
        sql = scoped!(
            sql,
            scope,
            sales_orders::owner_id,
            sales_orders::department_id,
            receipts::id
        );
        if let Some(s) = q.status {
            sql = sql.filter(receipts::status.eq(s));
        }
        if let Some(o) = q.order_id {
            sql = sql.filter(receipts::order_id.eq(o));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(receipts::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(ReceiptPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

/// A receipt whose order the user may see (404 otherwise); the order is locked when `lock`.
fn visible_receipt(
    c: &mut PgConnection,
    scope: Scope,
    id: Uuid,
    lock: bool,
) -> Result<(SalesOrder, Receipt), AppError> {
    let order_id: Uuid = receipts::table
        .find(id)
        .select(receipts::order_id)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("receipt"))?;
    let order = if lock {
        db::lock_visible_order(c, scope, order_id)
    } else {
        db::visible_order(c, scope, order_id)
    }
    .map_err(|e| match e {
        AppError::NotFound(_) => AppError::not_found("receipt"),
        other => other,
    })?;
    let receipt = if lock {
        receipts::table
            .find(id)
            .select(Receipt::as_select())
            .for_update()
            .first(c)?
    } else {
        receipts::table.find(id).select(Receipt::as_select()).first(c)?
    };
    Ok((order, receipt))
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
    let scope = scope(&user);
    let id = id.into_inner();
    let (_, r) = erp_db::with_conn(&ctx.pool, move |c| visible_receipt(c, scope, id, false)).await?;
    Ok(web::Json(r))
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    confirm: bool,
    comment: Option<String>,
) -> Result<Receipt, AppError> {
    user.require_any(&FINANCE_DECIDERS)?;
    let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let mut v = Validator::new();
    v.optional_text("comment", comment.as_deref(), 2000);
    v.check(
        confirm || comment.is_some(),
        "comment",
        "is required to reject a receipt",
    );
    v.finish()?;
    let scope = scope(&user);
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    erp_db::transaction(&ctx.pool, move |c| {
        let (order, r) = visible_receipt(c, scope, id, true)?;
        if r.status != "recorded" {
            return Err(wrong_state(format!("the receipt is already {}", r.status)));
        }
        if r.recorded_by == actor {
            return Err(AppError::Forbidden(
                "nobody confirms or rejects money they recorded themselves".into(),
            ));
        }
        let status = if confirm { "confirmed" } else { "rejected" };
        diesel::update(receipts::table.find(id))
            .set((
                receipts::status.eq(status),
                receipts::decided_by.eq(&actor),
                receipts::decided_at.eq(Utc::now()),
                receipts::decision_comment.eq(&comment),
            ))
            .execute(c)?;
        if confirm {
            erp_bus::enqueue(
                c,
                &meta,
                &ReceiptConfirmed {
                    receipt_id: r.id,
                    order_id: r.order_id,
                    order_number: r.order_number.clone(),
                    customer_id: r.customer_id,
                    currency: r.currency.clone(),
                    amount: r.amount,
                    received_on: r.received_on,
                    method: r.method.clone(),
                    reference: r.reference.clone(),
                },
            )?;
            complete_if_done(c, &order)?;
        }
        Ok(receipts::table.find(id).select(Receipt::as_select()).first(c)?)
    })
    .await
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
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
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
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}
