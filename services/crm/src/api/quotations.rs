//! Quotations: priced lines, totals by the money rules, validity, revisions; `draft →
//! pending_approval → approved → sent → accepted | rejected | expired`, `cancelled`. Submitting
//! evaluates the authority matrix (a line below its floor price, a low margin, a large total).

use super::SELLERS;
use super::lines::{self, LineRequest, LineRow};
use crate::db::visibility::scoped;
use crate::db::{self, Quotation, QuotationLine, schema::quotation_lines, schema::quotations};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{QuotationAction, QuotationStatus};
use crate::domain::visibility::{Scope, selling_scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const DOCUMENT_TYPE: &str = "quotation";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_quotations)
        .service(get_quotation)
        .service(create_quotation)
        .service(update_quotation)
        .service(submit_quotation)
        .service(approve_quotation)
        .service(reject_quotation)
        .service(send_quotation)
        .service(accept_quotation)
        .service(decline_quotation)
        .service(cancel_quotation)
        .service(revise_quotation);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuotationInput {
    pub customer_id: Uuid,
    /// The customer's currency when absent.
    pub currency: Option<String>,
    pub valid_until: NaiveDate,
    /// The customer's terms when absent.
    pub payment_terms: Option<PaymentTerms>,
    pub payment_days: Option<i32>,
    pub notes: Option<String>,
    pub lines: Vec<LineRequest>,
    /// Required on update.
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationDetail {
    #[serde(flatten)]
    pub quotation: Quotation,
    pub lines: Vec<QuotationLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Comment {
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuotationQuery {
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationPage {
    pub items: Vec<Quotation>,
    pub next_cursor: Option<Uuid>,
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<QuotationDetail, AppError> {
    let quotation = quotations::table.find(id).select(Quotation::as_select()).first(c)?;
    Ok(QuotationDetail {
        lines: db::quotation_lines(c, id)?,
        quotation,
    })
}

fn lock_visible(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Quotation, AppError> {
    quotations::table
        .find(id)
        .select(Quotation::as_select())
        .for_update()
        .first(c)
        .optional()?
        .filter(|q| scope.sees(q.owner_id, q.department_id))
        .ok_or_else(|| AppError::not_found("quotation"))
}

fn insert_lines(c: &mut PgConnection, quotation_id: Uuid, rows: &[LineRow]) -> Result<(), AppError> {
    diesel::delete(quotation_lines::table.filter(quotation_lines::quotation_id.eq(quotation_id))).execute(c)?;
    let values: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                quotation_lines::id.eq(Uuid::now_v7()),
                quotation_lines::quotation_id.eq(quotation_id),
                quotation_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                quotation_lines::item_id.eq(r.item_id),
                quotation_lines::description.eq(&r.description),
                quotation_lines::quantity.eq(r.input.quantity),
                quotation_lines::unit.eq(&r.unit),
                quotation_lines::unit_price.eq(r.input.unit_price),
                quotation_lines::discount_pct.eq(r.input.discount_pct),
                quotation_lines::tax_rate.eq(r.input.tax_rate_pct),
                quotation_lines::net.eq(r.net),
                quotation_lines::tax.eq(r.tax),
                quotation_lines::total.eq(r.total),
                quotation_lines::floor_price.eq(r.floor_price),
                quotation_lines::unit_cost.eq(r.unit_cost),
            )
        })
        .collect();
    diesel::insert_into(quotation_lines::table).values(values).execute(c)?;
    Ok(())
}

fn check_header(v: &mut Validator, input: &QuotationInput) {
    v.check(
        input.valid_until >= erp_calendar::today(),
        "valid_until",
        "must not be in the past",
    );
    v.optional_text("notes", input.notes.as_deref(), 4000);
    if let Some(days) = input.payment_days {
        v.check((0..=365).contains(&days), "payment_days", "must be between 0 and 365");
    }
}

#[utoipa::path(
    tag = "quotations",
    params(QuotationQuery),
    responses(
        (status = 200, body = QuotationPage),
    )
)]
#[get("/api/v1/quotations")]
async fn list_quotations(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<QuotationQuery>,
) -> Result<web::Json<QuotationPage>, AppError> {
    let scope = selling_scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "quotations are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    if let Some(s) = &q.status {
        QuotationStatus::parse(s).map_err(|_| AppError::validation("status", "is not a quotation status"))?;
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = quotations::table
            .select(Quotation::as_select())
            .order(quotations::id)
            .limit(limit + 1)
            .into_boxed();
        sql = scoped!(
            sql,
            scope,
            quotations::owner_id,
            quotations::department_id,
            quotations::id
        );
        if let Some(s) = q.status {
            sql = sql.filter(quotations::status.eq(s));
        }
        if let Some(cu) = q.customer_id {
            sql = sql.filter(quotations::customer_id.eq(cu));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(quotations::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(QuotationPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
    )
)]
#[get("/api/v1/quotations/{id}")]
async fn get_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    let scope = selling_scope(&user);
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| {
        quotations::table
            .find(id)
            .select(Quotation::as_select())
            .first(c)
            .optional()?
            .filter(|q| scope.sees(q.owner_id, q.department_id))
            .ok_or_else(|| AppError::not_found("quotation"))?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// A new quotation for a visible customer; prices default to the price list.
#[utoipa::path(
    tag = "quotations",
    request_body = QuotationInput,
    responses(
        (status = 201, body = QuotationDetail),
        (status = 404, description = "unknown or invisible customer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid values; unknown or inactive item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations")]
async fn create_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<QuotationInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = selling_scope(&user);
    let input = body.into_inner();
    let mut v = Validator::new();
    check_header(&mut v, &input);
    v.finish()?;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let customer = db::visible_customer(c, scope, input.customer_id)?;
        if !customer.active {
            return Err(AppError::validation("customer_id", "the customer is not active"));
        }
        let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&customer.currency))?;
        let (rows, priced) = lines::build(c, currency, &input.lines)?;
        let terms = input
            .payment_terms
            .map(|t| t.as_str().to_owned())
            .unwrap_or_else(|| customer.payment_terms.clone());
        let id = Uuid::now_v7();
        let number = erp_db::next_number(c, "QT", erp_calendar::today().year())?;
        diesel::insert_into(quotations::table)
            .values((
                quotations::id.eq(id),
                quotations::number.eq(&number),
                quotations::customer_id.eq(customer.id),
                quotations::owner_id.eq(customer.owner_id),
                quotations::department_id.eq(customer.department_id),
                quotations::currency.eq(currency.code()),
                quotations::valid_until.eq(input.valid_until),
                quotations::payment_terms.eq(&terms),
                quotations::payment_days.eq(input.payment_days.unwrap_or(customer.payment_days)),
                quotations::status.eq(QuotationStatus::Draft.as_str()),
                quotations::notes.eq(&input.notes),
                quotations::net.eq(priced.totals.net),
                quotations::tax.eq(priced.totals.tax),
                quotations::total.eq(priced.totals.total),
                quotations::margin_pct.eq(priced.margin_pct),
                quotations::below_floor.eq(priced.below_floor),
                quotations::created_by.eq(&actor),
            ))
            .execute(c)?;
        insert_lines(c, id, &rows)?;
        detail(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/quotations/{}", d.quotation.id)))
        .json(d))
}

/// Changes a draft (lines are replaced).
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    request_body = QuotationInput,
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, description = "not a draft, or stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/quotations/{id}")]
async fn update_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<QuotationInput>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = selling_scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_header(&mut v, &input);
    v.check(input.version.is_some(), "version", "is required to change a quotation");
    v.finish()?;
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let q = lock_visible(c, scope, id)?;
        QuotationStatus::parse(&q.status)?.transition(QuotationAction::Edit)?;
        if Some(q.version) != input.version {
            return Err(AppError::stale_version("the quotation"));
        }
        if input.customer_id != q.customer_id {
            return Err(AppError::validation(
                "customer_id",
                "cannot change; make a new quotation",
            ));
        }
        let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&q.currency))?;
        let (rows, priced) = lines::build(c, currency, &input.lines)?;
        diesel::update(quotations::table.find(id))
            .set((
                quotations::currency.eq(currency.code()),
                quotations::valid_until.eq(input.valid_until),
                quotations::payment_terms.eq(input
                    .payment_terms
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or(q.payment_terms.clone())),
                quotations::payment_days.eq(input.payment_days.unwrap_or(q.payment_days)),
                quotations::notes.eq(&input.notes),
                quotations::net.eq(priced.totals.net),
                quotations::tax.eq(priced.totals.tax),
                quotations::total.eq(priced.totals.total),
                quotations::margin_pct.eq(priced.margin_pct),
                quotations::below_floor.eq(priced.below_floor),
                quotations::version.eq(quotations::version + 1),
                quotations::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        insert_lines(c, id, &rows)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

fn set_status(c: &mut PgConnection, id: Uuid, status: QuotationStatus) -> Result<(), AppError> {
    diesel::update(quotations::table.find(id))
        .set((
            quotations::status.eq(status.as_str()),
            quotations::version.eq(quotations::version + 1),
            quotations::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Submits for approval: the authority matrix decides who must approve; when no rule applies
/// the quotation is approved at once.
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/submit")]
async fn submit_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = selling_scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let q = lock_visible(c, scope, id)?;
        let next = QuotationStatus::parse(&q.status)?.transition(QuotationAction::Submit)?;
        let mut facts = erp_approval::Facts::new(DOCUMENT_TYPE, q.id, &q.number, user.id, &q.currency, q.total);
        facts.submitter_department = q.department_id;
        facts.below_floor = q.below_floor;
        facts.margin_pct = q.margin_pct;
        facts.credit_terms = PaymentTerms::parse(&q.payment_terms).is_some_and(PaymentTerms::is_credit);
        let submission = erp_approval::submit(c, &facts, &meta)?;
        let status = if submission.auto_approved {
            next.transition(QuotationAction::Approve)?
        } else {
            next
        };
        diesel::update(quotations::table.find(id))
            .set(quotations::approval_request_id.eq(submission.request.id))
            .execute(c)?;
        set_status(c, id, status)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Records the caller's decision in the approval chain; the quotation moves when the chain
/// ends.
async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> Result<QuotationDetail, AppError> {
    let meta: EventMeta = ctx.event_meta(&user);
    erp_db::transaction(&ctx.pool, move |c| {
        // Approvers are found by role, not by visibility: a vice president sees everything, a
        // sales manager is checked by the approval engine against the submitter's department.
        let q = lock_visible(c, Scope::All, id)?;
        let status = QuotationStatus::parse(&q.status)?;
        if status != QuotationStatus::PendingApproval {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the quotation is {}, not waiting for approval", status.as_str()),
            });
        }
        match erp_approval::decide(c, (DOCUMENT_TYPE, id), &user, approve, comment.as_deref(), &meta)?.verdict() {
            erp_approval::Verdict::Pending => {}
            erp_approval::Verdict::Approved => set_status(c, id, status.transition(QuotationAction::Approve)?)?,
            erp_approval::Verdict::Rejected => set_status(c, id, status.transition(QuotationAction::Reject)?)?,
        }
        detail(c, id)
    })
    .await
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    request_body = Comment,
    responses(
        (status = 200, body = QuotationDetail),
        (status = 403, description = "not the approver of this step, or one's own quotation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already decided", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/approve")]
async fn approve_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    request_body = Comment,
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/reject")]
async fn reject_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}

/// The owner's moves after approval: send, the customer's answer, cancel.
async fn owner_move(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    action: QuotationAction,
) -> Result<QuotationDetail, AppError> {
    user.require_any(&SELLERS)?;
    let scope = selling_scope(&user);
    let today = erp_calendar::today();
    let outcome = erp_db::transaction(&ctx.pool, move |c| {
        let q = lock_visible(c, scope, id)?;
        let status = QuotationStatus::parse(&q.status)?;
        // A quotation past its validity expires instead of being accepted or sent.
        if matches!(action, QuotationAction::Accept | QuotationAction::Send)
            && q.valid_until < today
            && let Ok(expired) = status.transition(QuotationAction::Expire)
        {
            set_status(c, id, expired)?;
            return Ok(Err(q.valid_until));
        }
        set_status(c, id, status.transition(action)?)?;
        Ok(Ok(detail(c, id)?))
    })
    .await?;
    outcome.map_err(|until| AppError::Conflict {
        slug: "expired",
        detail: format!("the quotation was valid until {until}; it has expired"),
    })
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, description = "not approved yet, or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/send")]
async fn send_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    Ok(web::Json(
        owner_move(&ctx, user, id.into_inner(), QuotationAction::Send).await?,
    ))
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/accept")]
async fn accept_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    Ok(web::Json(
        owner_move(&ctx, user, id.into_inner(), QuotationAction::Accept).await?,
    ))
}

/// The customer declined.
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/decline")]
async fn decline_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    Ok(web::Json(
        owner_move(&ctx, user, id.into_inner(), QuotationAction::Decline).await?,
    ))
}

#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 200, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/cancel")]
async fn cancel_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationDetail>, AppError> {
    let meta = ctx.event_meta(&user);
    let d = owner_move(&ctx, user.clone(), id.into_inner(), QuotationAction::Cancel).await?;
    if d.quotation.approval_request_id.is_some() {
        // A pending approval is withdrawn with the quotation.
        let qid = d.quotation.id;
        let _ = erp_db::transaction(&ctx.pool, move |c| {
            erp_approval::withdraw(c, DOCUMENT_TYPE, qid, &user, &meta).map(|_| ())
        })
        .await;
    }
    Ok(web::Json(d))
}

/// A new revision (a draft with the same number and lines, revision + 1); this one is cancelled.
#[utoipa::path(
    tag = "quotations",
    params(("id" = Uuid, Path, description = "quotation id")),
    responses(
        (status = 201, body = QuotationDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/revise")]
async fn revise_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = selling_scope(&user);
    let id = id.into_inner();
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let q = lock_visible(c, scope, id)?;
        let old = QuotationStatus::parse(&q.status)?.transition(QuotationAction::Revise)?;
        set_status(c, id, old)?;
        let new_id = Uuid::now_v7();
        diesel::insert_into(quotations::table)
            .values((
                quotations::id.eq(new_id),
                quotations::number.eq(&q.number),
                quotations::revision.eq(q.revision + 1),
                quotations::previous_id.eq(q.id),
                quotations::customer_id.eq(q.customer_id),
                quotations::owner_id.eq(q.owner_id),
                quotations::department_id.eq(q.department_id),
                quotations::currency.eq(&q.currency),
                quotations::valid_until.eq(q.valid_until.max(erp_calendar::today())),
                quotations::payment_terms.eq(&q.payment_terms),
                quotations::payment_days.eq(q.payment_days),
                quotations::status.eq(QuotationStatus::Draft.as_str()),
                quotations::notes.eq(&q.notes),
                quotations::net.eq(q.net),
                quotations::tax.eq(q.tax),
                quotations::total.eq(q.total),
                quotations::margin_pct.eq(q.margin_pct),
                quotations::below_floor.eq(q.below_floor),
                quotations::created_by.eq(&actor),
            ))
            .execute(c)?;
        diesel::sql_query(
            "INSERT INTO quotation_lines (id, quotation_id, line_no, item_id, description, quantity, unit, unit_price, \
               discount_pct, tax_rate, net, tax, total, floor_price, unit_cost) \
             SELECT gen_random_uuid(), $1, line_no, item_id, description, quantity, unit, unit_price, discount_pct, \
               tax_rate, net, tax, total, floor_price, unit_cost FROM quotation_lines WHERE quotation_id = $2",
        )
        .bind::<diesel::sql_types::Uuid, _>(new_id)
        .bind::<diesel::sql_types::Uuid, _>(q.id)
        .execute(c)?;
        detail(c, new_id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/quotations/{}", d.quotation.id)))
        .json(d))
}
