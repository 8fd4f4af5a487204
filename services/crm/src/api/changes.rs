//! Change requests on an approved order (seed 002 "change review"): proposed line and term
//! changes with their own review record (A–I) and their own approval through the matrix
//! (document type `order_change`); applied to the order only when approved, which publishes
//! `crm.order.changed`.

use super::SELLERS;
use super::lines::{self, LineRequest, LineRow};
use super::orders::{self, ContractTerms, ReviewEntry};
use crate::db::{self, OrderLine, SalesOrder, schema::sales_order_lines, schema::sales_orders};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{ChangeAction, ChangeStatus, OrderStatus};
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const DOCUMENT_TYPE: &str = "order_change";

diesel::table! {
    order_change_requests (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        reason -> Text,
        proposed -> Jsonb,
        review -> Jsonb,
        status -> Text,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        below_floor -> Bool,
        margin_pct -> Nullable<Numeric>,
        approval_request_id -> Nullable<Uuid>,
        created_by -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_changes)
        .service(create_change)
        .service(review_change)
        .service(submit_change)
        .service(approve_change)
        .service(reject_change)
        .service(cancel_change);
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineChange {
    pub order_line_id: Uuid,
    /// Not below what was already requested from the warehouse.
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub discount_pct: Option<Decimal>,
    pub delivery_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangeInput {
    pub reason: String,
    #[serde(default)]
    pub changes: Vec<LineChange>,
    #[serde(default)]
    pub add_lines: Vec<LineRequest>,
    /// New contract terms, replacing the old ones.
    pub terms: Option<ContractTerms>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = order_change_requests)]
pub struct ChangeRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub reason: String,
    /// The changes as proposed.
    #[schema(value_type = Object)]
    pub proposed: serde_json::Value,
    /// The change review (items A–I with result and note).
    #[schema(value_type = Object)]
    pub review: serde_json::Value,
    /// `draft`, `pending_approval`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    /// The order's totals if the change is applied.
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub below_floor: bool,
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeReview {
    pub items: Vec<ReviewEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Comment {
    pub comment: Option<String>,
}

/// The order's line set as it would be after the change: existing lines first (changed), then
/// the added ones; checks each change against what was already requested.
fn proposed_lines(existing: &[OrderLine], input: &ChangeInput) -> Result<Vec<LineRequest>, AppError> {
    let mut v = Validator::new();
    v.text("reason", &input.reason, 2000);
    v.check(
        !input.changes.is_empty() || !input.add_lines.is_empty() || input.terms.is_some(),
        "changes",
        "a change request must change something",
    );
    let mut requests: Vec<LineRequest> = existing
        .iter()
        .map(|l| LineRequest {
            item_id: l.item_id,
            description: Some(l.description.clone()),
            quantity: l.quantity,
            unit_price: Some(l.unit_price),
            discount_pct: l.discount_pct,
            tax_rate_pct: l.tax_rate,
            delivery_date: l.delivery_date,
        })
        .collect();
    for (i, c) in input.changes.iter().enumerate() {
        let Some(pos) = existing.iter().position(|l| l.id == c.order_line_id) else {
            v.add(format!("changes[{i}].order_line_id"), "not a line of this order");
            continue;
        };
        if let Some(q) = c.quantity {
            if q < existing[pos].requested {
                v.add(
                    format!("changes[{i}].quantity"),
                    format!("{} was already requested from the warehouse", existing[pos].requested),
                );
            }
            requests[pos].quantity = q;
        }
        if let Some(p) = c.unit_price {
            requests[pos].unit_price = Some(p);
        }
        if let Some(d) = c.discount_pct {
            requests[pos].discount_pct = d;
        }
        if c.delivery_date.is_some() {
            requests[pos].delivery_date = c.delivery_date;
        }
    }
    v.finish()?;
    requests.extend(input.add_lines.iter().cloned());
    Ok(requests)
}

fn lock_change(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<(ChangeRequest, SalesOrder), AppError> {
    let change: ChangeRequest = order_change_requests::table
        .find(id)
        .select(ChangeRequest::as_select())
        .for_update()
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("change request"))?;
    let order = db::lock_visible_order(c, scope, change.order_id).map_err(|_| AppError::not_found("change request"))?;
    Ok((change, order))
}

fn set_status(c: &mut PgConnection, id: Uuid, status: ChangeStatus) -> Result<ChangeRequest, AppError> {
    Ok(diesel::update(order_change_requests::table.find(id))
        .set((
            order_change_requests::status.eq(status.as_str()),
            order_change_requests::version.eq(order_change_requests::version + 1),
            order_change_requests::updated_at.eq(Utc::now()),
        ))
        .returning(ChangeRequest::as_returning())
        .get_result(c)?)
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = Vec<ChangeRequest>),
    )
)]
#[get("/api/v1/orders/{id}/change-requests")]
async fn list_changes(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ChangeRequest>>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::visible_order(c, scope, id)?;
        Ok(order_change_requests::table
            .filter(order_change_requests::order_id.eq(id))
            .order(order_change_requests::created_at)
            .select(ChangeRequest::as_select())
            .load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
}

/// Proposes changes to an approved order; the order itself does not change until approval.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = ChangeInput,
    responses(
        (status = 201, body = ChangeRequest),
        (status = 409, description = "the order is not approved or in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/change-requests")]
async fn create_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ChangeInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let actor = user.actor();
    let change = erp_db::transaction(&ctx.pool, move |c| {
        let order = db::lock_visible_order(c, scope, id)?;
        if !OrderStatus::parse(&order.status)?.is_open_for_fulfilment() {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!(
                    "only an approved order is changed by a change request; this one is {}",
                    order.status
                ),
            });
        }
        let existing = db::order_lines(c, id)?;
        let requests = proposed_lines(&existing, &input)?;
        let (_, priced) = lines::build(c, lines::parse_currency(&order.currency)?, &requests)?;
        let number = erp_db::next_number(c, "CR", erp_calendar::today().year())?;
        Ok(diesel::insert_into(order_change_requests::table)
            .values((
                order_change_requests::id.eq(Uuid::now_v7()),
                order_change_requests::number.eq(&number),
                order_change_requests::order_id.eq(id),
                order_change_requests::reason.eq(input.reason.trim()),
                order_change_requests::proposed.eq(json!(input)),
                order_change_requests::status.eq(ChangeStatus::Draft.as_str()),
                order_change_requests::net.eq(priced.totals.net),
                order_change_requests::tax.eq(priced.totals.tax),
                order_change_requests::total.eq(priced.totals.total),
                order_change_requests::below_floor.eq(priced.below_floor),
                order_change_requests::margin_pct.eq(priced.margin_pct),
                order_change_requests::created_by.eq(&actor),
            ))
            .returning(ChangeRequest::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/orders/{id}/change-requests")))
        .json(change))
}

/// Records the change review (items A–I) before submitting.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    request_body = ChangeReview,
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/change-requests/{id}/review")]
async fn review_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ChangeReview>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let items = body.into_inner().items;
    let mut v = Validator::new();
    orders::check_review(&mut v, &items);
    v.finish()?;
    let actor = user.actor();
    let change = erp_db::transaction(&ctx.pool, move |c| {
        let (change, _) = lock_change(c, scope, id)?;
        ChangeStatus::parse(&change.status)?.transition(ChangeAction::Review)?;
        let review: Vec<serde_json::Value> = items
            .iter()
            .map(|e| json!({"item": e.item, "result": e.result, "note": e.note, "reviewed_by": actor, "reviewed_at": Utc::now()}))
            .collect();
        Ok(diesel::update(order_change_requests::table.find(id))
            .set((
                order_change_requests::review.eq(json!(review)),
                order_change_requests::version.eq(order_change_requests::version + 1),
                order_change_requests::updated_at.eq(Utc::now()),
            ))
            .returning(ChangeRequest::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(web::Json(change))
}

/// Submits the change for approval; a change without a review record is refused (422).
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/change-requests/{id}/submit")]
async fn submit_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let change = erp_db::transaction(&ctx.pool, move |c| {
        let (change, order) = lock_change(c, scope, id)?;
        let next = ChangeStatus::parse(&change.status)?.transition(ChangeAction::Submit)?;
        if change.review.as_array().is_none_or(|r| r.is_empty()) {
            return Err(AppError::validation(
                "review",
                "record the change review (items A–I) before submitting",
            ));
        }
        let mut facts = erp_approval::Facts::new(
            DOCUMENT_TYPE,
            change.id,
            &change.number,
            user.id,
            &order.currency,
            change.total,
        );
        facts.submitter_department = order.department_id;
        facts.below_floor = change.below_floor;
        facts.margin_pct = change.margin_pct;
        facts.credit_terms = PaymentTerms::parse(&order.payment_terms).is_some_and(PaymentTerms::is_credit);
        let submission = erp_approval::submit(c, &facts, &meta)?;
        diesel::update(order_change_requests::table.find(id))
            .set(order_change_requests::approval_request_id.eq(submission.request.id))
            .execute(c)?;
        if submission.auto_approved {
            apply(c, &change, &order, &meta)?;
            return set_status(c, id, next.transition(ChangeAction::Approve)?);
        }
        set_status(c, id, next)
    })
    .await?;
    Ok(web::Json(change))
}

/// Applies an approved change to the order and publishes `crm.order.changed`.
fn apply(c: &mut PgConnection, change: &ChangeRequest, order: &SalesOrder, meta: &EventMeta) -> Result<(), AppError> {
    if !OrderStatus::parse(&order.status)?.is_open_for_fulfilment() {
        return Err(AppError::conflict(format!(
            "the order is {} and can no longer change",
            order.status
        )));
    }
    let input: ChangeInput = serde_json::from_value(change.proposed.clone()).map_err(AppError::internal)?;
    let existing = db::order_lines(c, order.id)?;
    let requests = proposed_lines(&existing, &input)?;
    let currency = lines::parse_currency(&order.currency)?;
    let (rows, priced) = lines::build(c, currency, &requests)?;
    for (line, row) in existing.iter().zip(rows.iter()) {
        update_line(c, line.id, row)?;
    }
    let mut next_no = existing.iter().map(|l| l.line_no).max().unwrap_or(0);
    for row in rows.iter().skip(existing.len()) {
        next_no += 1;
        orders::insert_line(c, order.id, next_no, row)?;
    }
    let mut terms = order.terms.clone();
    if let Some(t) = &input.terms {
        terms = json!(t);
    }
    diesel::update(sales_orders::table.find(order.id))
        .set((
            sales_orders::net.eq(priced.totals.net),
            sales_orders::tax.eq(priced.totals.tax),
            sales_orders::total.eq(priced.totals.total),
            sales_orders::total_in_words.eq(orders::words(priced.totals.total, &order.currency)?),
            sales_orders::margin_pct.eq(priced.margin_pct),
            sales_orders::below_floor.eq(priced.below_floor),
            sales_orders::terms.eq(terms),
            sales_orders::version.eq(sales_orders::version + 1),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    let updated = db::visible_order(c, Scope::All, order.id)?;
    let event = erp_contracts::crm::OrderChanged {
        change_request_id: change.id,
        order: orders::approved_event(c, &updated)?,
    };
    erp_bus::enqueue(c, meta, &event)?;
    Ok(())
}

fn update_line(c: &mut PgConnection, id: Uuid, r: &LineRow) -> Result<(), AppError> {
    diesel::update(sales_order_lines::table.find(id))
        .set((
            sales_order_lines::quantity.eq(r.input.quantity),
            sales_order_lines::unit_price.eq(r.input.unit_price),
            sales_order_lines::discount_pct.eq(r.input.discount_pct),
            sales_order_lines::tax_rate.eq(r.input.tax_rate_pct),
            sales_order_lines::net.eq(r.net),
            sales_order_lines::tax.eq(r.tax),
            sales_order_lines::total.eq(r.total),
            sales_order_lines::floor_price.eq(r.floor_price),
            sales_order_lines::delivery_date.eq(r.delivery_date),
        ))
        .execute(c)?;
    Ok(())
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> Result<ChangeRequest, AppError> {
    let meta = ctx.event_meta(&user);
    erp_db::transaction(&ctx.pool, move |c| {
        let (change, order) = lock_change(c, Scope::All, id)?;
        let status = ChangeStatus::parse(&change.status)?;
        if status != ChangeStatus::PendingApproval {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the change request is {}, not waiting for approval", status.as_str()),
            });
        }
        match erp_approval::decide(c, (DOCUMENT_TYPE, id), &user, approve, comment.as_deref(), &meta)?.verdict() {
            erp_approval::Verdict::Pending => Ok(change),
            erp_approval::Verdict::Approved => {
                apply(c, &change, &order, &meta)?;
                set_status(c, id, status.transition(ChangeAction::Approve)?)
            }
            erp_approval::Verdict::Rejected => set_status(c, id, status.transition(ChangeAction::Reject)?),
        }
    })
    .await
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    request_body = Comment,
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/change-requests/{id}/approve")]
async fn approve_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    request_body = Comment,
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/change-requests/{id}/reject")]
async fn reject_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "change request id")),
    responses(
        (status = 200, body = ChangeRequest),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/change-requests/{id}/cancel")]
async fn cancel_change(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ChangeRequest>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let change = erp_db::transaction(&ctx.pool, move |c| {
        let (change, _) = lock_change(c, scope, id)?;
        let status = ChangeStatus::parse(&change.status)?;
        let updated = set_status(c, id, status.transition(ChangeAction::Cancel)?)?;
        if status == ChangeStatus::PendingApproval {
            erp_approval::withdraw(c, DOCUMENT_TYPE, id, &user, &meta)?;
        }
        Ok(updated)
    })
    .await?;
    Ok(web::Json(change))
}
