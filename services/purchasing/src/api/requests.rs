//! Purchase requests: entered by hand (by buyers and by anyone with a buying need: warehouse,
//! production, technical, projects) or made from the warehouse's shortages; `draft →
//! pending_approval → approved → ordered`, `rejected`, `cancelled`. Submitting goes to the
//! purchasing manager through the authority matrix; requests carry no prices.

use super::approvals::Comment;
use super::suppliers::clean;
use super::{BUYERS, quotations};
use crate::db::{
    self, PurchaseRequest, QuotationSelection, RequestLine, schema::purchase_request_lines, schema::purchase_requests,
    schema::quotation_selections,
};
use crate::domain::status::{RequestAction, RequestStatus};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
use erp_money::LineInput;
use erp_problem::{AppError, FieldError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const DOCUMENT_TYPE: &str = "purchase_request";

/// Who may ask for goods: buyers, and the employees with a buying need.
pub const REQUESTERS: [Role; 7] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::WarehouseKeeper,
    Role::ProductionManager,
    Role::Technical,
    Role::ProjectManager,
];

/// Who sees every request (and its quotations and selection).
pub const SEE_ALL: [Role; 5] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::ProjectController,
    Role::VicePresident,
];

/// Sources a person may give; `stock_shortage` requests come from warehouse's events only.
const MANUAL_SOURCES: [&str; 4] = ["manual", "technical_spec", "project", "production_shortage"];
const ALL_SOURCES: [&str; 5] = [
    "manual",
    "stock_shortage",
    "production_shortage",
    "technical_spec",
    "project",
];

const MAX_LINES: usize = 200;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_purchase_requests)
        .service(get_purchase_request)
        .service(create_purchase_request)
        .service(update_purchase_request)
        .service(submit_purchase_request)
        .service(approve_purchase_request)
        .service(reject_purchase_request)
        .service(cancel_purchase_request);
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestLineInput {
    pub item_id: Uuid,
    /// More than 0, at most 4 decimals (units like kg and m).
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// The request's date when absent.
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestInput {
    /// `manual` (default), `technical_spec`, `project` or `production_shortage`.
    pub source: Option<String>,
    /// What the request came from (the spec, the project, the production order); required for
    /// every source but `manual`.
    #[schema(value_type = Option<Object>)]
    pub source_ref: Option<serde_json::Value>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub lines: Vec<RequestLineInput>,
    /// Required on update.
    pub version: Option<i64>,
}

/// A request line with the item as the catalogue knows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestLineView {
    #[serde(flatten)]
    pub line: RequestLine,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    /// Still to be put on purchase orders.
    #[schema(value_type = String)]
    pub open_quantity: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: PurchaseRequest,
    pub lines: Vec<RequestLineView>,
    /// The supplier chosen from the quotations, once proposed.
    pub selection: Option<QuotationSelection>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    pub status: Option<String>,
    pub source: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<PurchaseRequest>,
    pub next_cursor: Option<Uuid>,
}

/// Which requests a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    All,
    /// The caller's own requests; a warehouse keeper also the warehouse's shortages.
    Own {
        user: Uuid,
        shortages: bool,
    },
    Nothing,
}

pub(crate) fn scope(user: &CurrentUser) -> Scope {
    if user.has_any_role(&SEE_ALL) {
        Scope::All
    } else if user.has_any_role(&REQUESTERS) {
        Scope::Own {
            user: user.id,
            shortages: user.has_role(Role::WarehouseKeeper),
        }
    } else {
        Scope::Nothing
    }
}

impl Scope {
    pub(crate) fn sees(self, r: &PurchaseRequest) -> bool {
        match self {
            Scope::All => true,
            Scope::Own { user, shortages } => {
                r.requester_id == Some(user) || (shortages && r.source == "stock_shortage")
            }
            Scope::Nothing => false,
        }
    }
}

/// The request, if the caller may see it (else 404: ids leak nothing).
pub(crate) fn visible(c: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<PurchaseRequest, AppError> {
    let r = if lock {
        db::lock_request(c, id)?
    } else {
        purchase_requests::table
            .find(id)
            .select(PurchaseRequest::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("purchase request"))?
    };
    if scope.sees(&r) {
        Ok(r)
    } else {
        Err(AppError::not_found("purchase request"))
    }
}

/// Buyers change any request; the others only their own.
fn check_may_change(user: &CurrentUser, r: &PurchaseRequest) -> Result<(), AppError> {
    if user.has_any_role(&BUYERS) || (user.has_any_role(&REQUESTERS) && r.requester_id == Some(user.id)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only buyers and the requester change a purchase request".into(),
        ))
    }
}

pub(crate) fn detail(c: &mut PgConnection, id: Uuid) -> Result<RequestDetail, AppError> {
    let request = purchase_requests::table
        .find(id)
        .select(PurchaseRequest::as_select())
        .first(c)?;
    let lines = db::request_lines(c, id)?;
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &ids)?;
    let selection = quotation_selections::table
        .find(id)
        .select(QuotationSelection::as_select())
        .first(c)
        .optional()?;
    Ok(RequestDetail {
        lines: lines
            .into_iter()
            .map(|line| {
                let item = items.get(&line.item_id);
                RequestLineView {
                    sku: item.map(|i| i.sku.clone()),
                    name: item.map(|i| i.name.clone()),
                    unit: item.map(|i| i.unit.clone()),
                    open_quantity: (line.quantity - line.ordered).max(Decimal::ZERO),
                    line,
                }
            })
            .collect(),
        selection,
        request,
    })
}

/// A line ready to be stored.
#[derive(Debug, Clone)]
pub(crate) struct NewLine {
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A request ready to be stored (as a draft).
#[derive(Debug, Clone)]
pub(crate) struct NewRequest {
    pub source: String,
    pub source_key: Option<String>,
    pub source_ref: serde_json::Value,
    pub requested_by: String,
    pub requester_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Stores a draft request and its lines; returns its id.
pub(crate) fn insert_request(c: &mut PgConnection, r: &NewRequest, lines: &[NewLine]) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, "PR", erp_calendar::today().year())?;
    diesel::insert_into(purchase_requests::table)
        .values((
            purchase_requests::id.eq(id),
            purchase_requests::number.eq(&number),
            purchase_requests::source.eq(&r.source),
            purchase_requests::source_key.eq(&r.source_key),
            purchase_requests::source_ref.eq(&r.source_ref),
            purchase_requests::status.eq(RequestStatus::Draft.as_str()),
            purchase_requests::requested_by.eq(&r.requested_by),
            purchase_requests::requester_id.eq(r.requester_id),
            purchase_requests::department_id.eq(r.department_id),
            purchase_requests::needed_by.eq(r.needed_by),
            purchase_requests::note.eq(&r.note),
        ))
        .execute(c)?;
    insert_lines(c, id, lines)?;
    Ok(id)
}

fn insert_lines(c: &mut PgConnection, request_id: Uuid, lines: &[NewLine]) -> Result<(), AppError> {
    diesel::delete(purchase_request_lines::table.filter(purchase_request_lines::request_id.eq(request_id)))
        .execute(c)?;
    let values: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                purchase_request_lines::id.eq(Uuid::now_v7()),
                purchase_request_lines::request_id.eq(request_id),
                purchase_request_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                purchase_request_lines::item_id.eq(l.item_id),
                purchase_request_lines::quantity.eq(l.quantity),
                purchase_request_lines::needed_by.eq(l.needed_by),
                purchase_request_lines::note.eq(&l.note),
            )
        })
        .collect();
    diesel::insert_into(purchase_request_lines::table)
        .values(values)
        .execute(c)?;
    Ok(())
}

/// Checks the header of a request a person enters.
fn check_header(v: &mut Validator, input: &RequestInput) -> (String, serde_json::Value) {
    let source = input
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("manual")
        .to_owned();
    v.check(
        MANUAL_SOURCES.contains(&source.as_str()),
        "source",
        "must be manual, technical_spec, project or production_shortage",
    );
    let source_ref = input
        .source_ref
        .clone()
        .filter(|r| !r.is_null())
        .unwrap_or_else(|| serde_json::json!({}));
    let is_object = source_ref.is_object();
    v.check(is_object, "source_ref", "must be an object");
    let empty = source_ref.as_object().is_none_or(|o| o.is_empty());
    if source != "manual" && empty {
        v.add(
            "source_ref",
            format!("is required for a {source} request (what it came from)"),
        );
    }
    v.check(
        source_ref.to_string().len() <= 4000,
        "source_ref",
        "must be at most 4000 characters of JSON",
    );
    let today = erp_calendar::today();
    if let Some(d) = input.needed_by {
        v.check(d >= today, "needed_by", "must not be in the past");
    }
    v.optional_text("note", input.note.as_deref(), 4000);
    (source, source_ref)
}

/// Checks the lines against the catalogue (an unknown or inactive item is a 422) and the
/// quantity rules; every problem is reported at once.
fn build_lines(c: &mut PgConnection, v: Vec<FieldError>, lines: &[RequestLineInput]) -> Result<Vec<NewLine>, AppError> {
    let mut errors = v;
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
    }
    if lines.len() > MAX_LINES {
        errors.push(FieldError::new("lines", format!("at most {MAX_LINES} lines")));
    }
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &ids)?;
    let today = erp_calendar::today();
    for (i, l) in lines.iter().enumerate() {
        match items.get(&l.item_id) {
            None => errors.push(FieldError::new(
                format!("lines[{i}].item_id"),
                "unknown item (not in the catalogue)",
            )),
            Some(item) if !item.active => errors.push(FieldError::new(
                format!("lines[{i}].item_id"),
                format!("item {} is not active", item.sku),
            )),
            Some(_) => {}
        }
        if let Some(d) = l.needed_by
            && d < today
        {
            errors.push(FieldError::new(
                format!("lines[{i}].needed_by"),
                "must not be in the past",
            ));
        }
        if l.note.as_deref().is_some_and(|n| n.chars().count() > 1000) {
            errors.push(FieldError::new(
                format!("lines[{i}].note"),
                "must be at most 1000 characters",
            ));
        }
    }
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: Decimal::ZERO,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: Decimal::ZERO,
        })
        .collect();
    for (field, message) in erp_money::validate_lines(&inputs) {
        errors.push(FieldError::new(field, message));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(lines
        .iter()
        .map(|l| NewLine {
            item_id: l.item_id,
            quantity: l.quantity.normalize(),
            needed_by: l.needed_by,
            note: clean(l.note.clone()),
        })
        .collect())
}

/// The validator's errors, to be reported together with the lines'.
fn errors_of(v: Validator) -> Vec<FieldError> {
    match v.finish() {
        Err(AppError::Validation(e)) => e,
        _ => Vec::new(),
    }
}

#[utoipa::path(
    tag = "purchase requests",
    params(RequestQuery),
    responses(
        (status = 200, body = RequestPage),
    )
)]
#[get("/api/v1/purchase-requests")]
async fn list_purchase_requests(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<RequestQuery>,
) -> Result<web::Json<RequestPage>, AppError> {
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "purchase requests are visible to buyers, requesters and project control".into(),
        ));
    }
    let q = query.into_inner();
    let mut v = Validator::new();
    if let Some(s) = &q.status {
        v.check(
            RequestStatus::parse(s).is_ok(),
            "status",
            "is not a purchase request status",
        );
    }
    if let Some(s) = &q.source {
        v.check(
            ALL_SOURCES.contains(&s.as_str()),
            "source",
            "is not a purchase request source",
        );
    }
    v.finish()?;
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = purchase_requests::table
            .select(PurchaseRequest::as_select())
            .order(purchase_requests::id)
            .limit(limit + 1)
            .into_boxed();
        match scope {
            Scope::All => {}
            Scope::Own { user, shortages: true } => {
                sql = sql.filter(
                    purchase_requests::requester_id
                        .eq(user)
                        .or(purchase_requests::source.eq("stock_shortage")),
                );
            }
            Scope::Own { user, shortages: false } => {
                sql = sql.filter(purchase_requests::requester_id.eq(user));
            }
            Scope::Nothing => {
                return Ok(RequestPage {
                    items: Vec::new(),
                    next_cursor: None,
                });
            }
        }
        if let Some(s) = q.status {
            sql = sql.filter(purchase_requests::status.eq(s));
        }
        if let Some(s) = q.source {
            sql = sql.filter(purchase_requests::source.eq(s));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(purchase_requests::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(RequestPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = RequestDetail),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/purchase-requests/{id}")]
async fn get_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<RequestDetail>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| {
        visible(c, scope, id, false)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// A new draft request; items come from the catalogue.
#[utoipa::path(
    tag = "purchase requests",
    request_body = RequestInput,
    responses(
        (status = 201, body = RequestDetail),
        (status = 422, description = "invalid values; unknown or inactive item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests")]
async fn create_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<RequestInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&REQUESTERS)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    let (source, source_ref) = check_header(&mut v, &input);
    let errors = errors_of(v);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let lines = build_lines(c, errors.clone(), &input.lines)?;
        let department_id = erp_directory::find(c, user.id)?
            .and_then(|e| e.department_id)
            .or(user.department_id);
        let id = insert_request(
            c,
            &NewRequest {
                source: source.clone(),
                source_key: None,
                source_ref: source_ref.clone(),
                requested_by: user.actor(),
                requester_id: Some(user.id),
                department_id,
                needed_by: input.needed_by,
                note: clean(input.note.clone()),
            },
            &lines,
        )?;
        detail(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-requests/{}", d.request.id)))
        .json(d))
}

/// Changes a draft (lines are replaced).
#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = RequestInput,
    responses(
        (status = 200, body = RequestDetail),
        (status = 409, description = "not a draft, or stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/purchase-requests/{id}")]
async fn update_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RequestInput>,
) -> Result<web::Json<RequestDetail>, AppError> {
    user.require_any(&REQUESTERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.check(
        input.version.is_some(),
        "version",
        "is required to change a purchase request",
    );
    let (source, source_ref) = check_header(&mut v, &input);
    let errors = errors_of(v);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let r = visible(c, scope, id, true)?;
        check_may_change(&user, &r)?;
        RequestStatus::parse(&r.status)?.transition(RequestAction::Edit)?;
        if errors.is_empty() && Some(r.version) != input.version {
            return Err(AppError::stale_version("the purchase request"));
        }
        let lines = build_lines(c, errors.clone(), &input.lines)?;
        // A shortage keeps its source: it is how a redelivery is recognised.
        let (source, source_ref) = if r.source == "stock_shortage" {
            (r.source.clone(), r.source_ref.clone())
        } else {
            (source.clone(), source_ref.clone())
        };
        diesel::update(purchase_requests::table.find(id))
            .set((
                purchase_requests::source.eq(&source),
                purchase_requests::source_ref.eq(&source_ref),
                purchase_requests::needed_by.eq(input.needed_by),
                purchase_requests::note.eq(clean(input.note.clone())),
                purchase_requests::version.eq(purchase_requests::version + 1),
                purchase_requests::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        insert_lines(c, id, &lines)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

pub(crate) fn set_request_status(c: &mut PgConnection, id: Uuid, status: RequestStatus) -> Result<(), AppError> {
    diesel::update(purchase_requests::table.find(id))
        .set((
            purchase_requests::status.eq(status.as_str()),
            purchase_requests::version.eq(purchase_requests::version + 1),
            purchase_requests::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Submits a draft to the purchasing manager (the authority matrix decides; with no rule the
/// request is approved at once).
#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = RequestDetail),
        (status = 409, description = "not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "an item was deactivated since", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/submit")]
async fn submit_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<RequestDetail>, AppError> {
    user.require_any(&REQUESTERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let r = visible(c, scope, id, true)?;
        check_may_change(&user, &r)?;
        let next = RequestStatus::parse(&r.status)?.transition(RequestAction::Submit)?;
        // A shortage's draft may name an item the catalogue has dropped since.
        let lines = db::request_lines(c, id)?;
        let inputs: Vec<RequestLineInput> = lines
            .iter()
            .map(|l| RequestLineInput {
                item_id: l.item_id,
                quantity: l.quantity,
                needed_by: None,
                note: None,
            })
            .collect();
        build_lines(c, Vec::new(), &inputs)?;
        // Requests carry no prices: the matrix sees a zero total.
        let facts = erp_approval::Facts::new(DOCUMENT_TYPE, r.id, &r.number, user.id, "VND", Decimal::ZERO);
        let submission = erp_approval::submit(c, &facts, &meta)?;
        let status = if submission.auto_approved {
            next.transition(RequestAction::Approve)?
        } else {
            next
        };
        diesel::update(purchase_requests::table.find(id))
            .set(purchase_requests::approval_request_id.eq(submission.request.id))
            .execute(c)?;
        set_request_status(c, id, status)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> Result<RequestDetail, AppError> {
    let meta: EventMeta = ctx.event_meta(&user);
    erp_db::transaction(&ctx.pool, move |c| {
        // Approvers are found by role: the approval engine checks the step and refuses one's own.
        let r = db::lock_request(c, id)?;
        let status = RequestStatus::parse(&r.status)?;
        if status != RequestStatus::PendingApproval {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the purchase request is {}, not waiting for approval", status.as_str()),
            });
        }
        match erp_approval::decide(c, (DOCUMENT_TYPE, id), &user, approve, comment.as_deref(), &meta)?.verdict() {
            erp_approval::Verdict::Pending => {}
            erp_approval::Verdict::Approved => set_request_status(c, id, status.transition(RequestAction::Approve)?)?,
            erp_approval::Verdict::Rejected => set_request_status(c, id, status.transition(RequestAction::Reject)?)?,
        }
        detail(c, id)
    })
    .await
}

#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = Comment,
    responses(
        (status = 200, body = RequestDetail),
        (status = 403, description = "not the approver of this step, or one's own request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for approval, or already decided", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/approve")]
async fn approve_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<RequestDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = Comment,
    responses(
        (status = 200, body = RequestDetail),
        (status = 403, description = "not the approver of this step, or one's own request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for approval, or already decided", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/reject")]
async fn reject_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<RequestDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}

/// Cancels a request not yet on purchase orders; a pending approval (of the request or of its
/// supplier selection) is withdrawn with it.
#[utoipa::path(
    tag = "purchase requests",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = RequestDetail),
        (status = 409, description = "already ordered, rejected or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/cancel")]
async fn cancel_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<RequestDetail>, AppError> {
    user.require_any(&REQUESTERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let r = visible(c, scope, id, true)?;
        check_may_change(&user, &r)?;
        let status = RequestStatus::parse(&r.status)?;
        let next = status.transition(RequestAction::Cancel)?;
        let ordered = db::request_lines(c, id)?.iter().any(|l| l.ordered > Decimal::ZERO);
        if ordered {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: "lines of the request are on purchase orders; cancel those orders first".into(),
            });
        }
        if status == RequestStatus::PendingApproval {
            erp_approval::withdraw(c, DOCUMENT_TYPE, id, &user, &meta)?;
        }
        let selection_pending = quotation_selections::table
            .find(id)
            .select(quotation_selections::status)
            .first::<String>(c)
            .optional()?
            .is_some_and(|s| s == quotations::SELECTION_PENDING);
        if selection_pending {
            erp_approval::withdraw(c, quotations::SELECTION_DOCUMENT_TYPE, id, &user, &meta)?;
        }
        set_request_status(c, id, next)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}
