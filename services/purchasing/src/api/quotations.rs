//! Supplier quotations for an approved purchase request (one per supplier), their comparison
//! line by line, and the supplier chosen: at least three quotations from different suppliers,
//! or the reason why not, reviewed by project control through the authority matrix (seed 000
//! §5.3).

use super::BUYERS;
use super::approvals::Comment;
use super::requests::{self, visible};
use super::suppliers::{active_supplier, clean};
use crate::db::{
    self, PurchaseRequest, QuotationSelection, Supplier, SupplierQuotation, SupplierQuotationLine,
    schema::quotation_selections, schema::supplier_quotation_lines, schema::supplier_quotations, schema::suppliers,
};
use crate::domain::status::RequestStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use erp_approval::ApprovalDetail;
use erp_auth::CurrentUser;
use erp_money::{Currency, LineInput};
use erp_problem::{AppError, FieldError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The approval document type of a request's supplier selection (its id is the request's).
pub const SELECTION_DOCUMENT_TYPE: &str = "supplier_selection";
pub const SELECTION_PENDING: &str = "pending_review";
pub const SELECTION_APPROVED: &str = "approved";
pub const SELECTION_REJECTED: &str = "rejected";
/// Quotations from different suppliers a selection needs without a reason (seed 000 §5.3).
pub const MIN_QUOTATIONS: i64 = 3;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_supplier_quotations)
        .service(compare_supplier_quotations)
        .service(create_supplier_quotation)
        .service(get_supplier_selection)
        .service(create_supplier_selection)
        .service(approve_supplier_selection)
        .service(reject_supplier_selection);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuotationLineInput {
    /// A line of the purchase request.
    pub request_line_id: Uuid,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// VAT rate in percent.
    #[serde(default)]
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
    /// The requested quantity when absent.
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuotationInput {
    pub supplier_id: Uuid,
    /// The supplier's own number.
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// The supplier's currency when absent.
    pub currency: Option<String>,
    pub lead_time_days: i32,
    /// Payment, delivery and warranty terms as quoted.
    pub terms: Option<String>,
    pub lines: Vec<QuotationLineInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationDetail {
    #[serde(flatten)]
    pub quotation: SupplierQuotation,
    pub supplier_code: String,
    pub supplier_name: String,
    pub lines: Vec<SupplierQuotationLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationList {
    pub items: Vec<QuotationDetail>,
}

/// One supplier's price for one request line.
#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    /// The lowest unit price of the line among the offers in the same currency.
    pub cheapest: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonLine {
    pub request_line_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Cheapest first.
    pub offers: Vec<Offer>,
}

/// One supplier's quotation as a whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierTotal {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_code: String,
    pub supplier_name: String,
    pub rating: Option<i32>,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    pub lines_quoted: usize,
    /// Every line of the request is quoted.
    pub covers_every_line: bool,
    /// The lowest total among the quotations in the same currency that cover every line.
    pub cheapest: bool,
    /// The quotation of the current selection.
    pub chosen: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    pub request_id: Uuid,
    pub request_number: String,
    /// Quotations from different suppliers.
    pub quotations: i64,
    pub min_quotations: i64,
    /// At least `min_quotations`; otherwise a selection needs `fewer_quotes_reason`.
    pub enough_quotations: bool,
    pub lines: Vec<ComparisonLine>,
    pub suppliers: Vec<SupplierTotal>,
    pub selection: Option<QuotationSelection>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SelectionInput {
    pub chosen_quotation_id: Uuid,
    /// Required when fewer than three suppliers quoted; the reviewer sees it.
    pub fewer_quotes_reason: Option<String>,
    pub note: Option<String>,
}

/// The chosen quotation in a few figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChosenQuotation {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_code: String,
    pub supplier_name: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lead_time_days: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionDetail {
    #[serde(flatten)]
    pub selection: QuotationSelection,
    pub request_number: String,
    pub chosen: ChosenQuotation,
    /// Quotations from different suppliers collected for the request.
    pub quotations: i64,
    /// The review by project control: steps, decisions and comments.
    pub approval: Option<ApprovalDetail>,
}

fn supplier_of(c: &mut PgConnection, id: Uuid) -> Result<Supplier, AppError> {
    db::find_supplier(c, id)?.ok_or_else(|| AppError::not_found("supplier"))
}

fn quotation_lines(c: &mut PgConnection, quotation_id: Uuid) -> Result<Vec<SupplierQuotationLine>, AppError> {
    Ok(supplier_quotation_lines::table
        .filter(supplier_quotation_lines::quotation_id.eq(quotation_id))
        .order(supplier_quotation_lines::id)
        .select(SupplierQuotationLine::as_select())
        .load(c)?)
}

pub(crate) fn quotations_of(c: &mut PgConnection, request_id: Uuid) -> Result<Vec<SupplierQuotation>, AppError> {
    Ok(supplier_quotations::table
        .filter(supplier_quotations::request_id.eq(request_id))
        .order(supplier_quotations::id)
        .select(SupplierQuotation::as_select())
        .load(c)?)
}

fn quotation_detail(c: &mut PgConnection, q: SupplierQuotation) -> Result<QuotationDetail, AppError> {
    let supplier = supplier_of(c, q.supplier_id)?;
    Ok(QuotationDetail {
        lines: quotation_lines(c, q.id)?,
        supplier_code: supplier.code,
        supplier_name: supplier.name,
        quotation: q,
    })
}

/// How many different suppliers quoted for the request (one quotation per supplier).
fn supplier_count(c: &mut PgConnection, request_id: Uuid) -> Result<i64, AppError> {
    Ok(supplier_quotations::table
        .filter(supplier_quotations::request_id.eq(request_id))
        .count()
        .get_result(c)?)
}

pub(crate) fn find_selection(c: &mut PgConnection, request_id: Uuid) -> Result<Option<QuotationSelection>, AppError> {
    Ok(quotation_selections::table
        .find(request_id)
        .select(QuotationSelection::as_select())
        .first(c)
        .optional()?)
}

fn check_quotation(v: &mut Validator, input: &QuotationInput) {
    v.optional_text("reference", input.reference.as_deref(), 100)
        .optional_text("terms", input.terms.as_deref(), 2000);
    v.check(
        (0..=3650).contains(&input.lead_time_days),
        "lead_time_days",
        "must be between 0 and 3650",
    );
    if let Some(until) = input.valid_until {
        v.check(until >= input.quoted_on, "valid_until", "must not be before quoted_on");
    }
    v.check(
        input.quoted_on <= erp_calendar::today() + chrono::Days::new(1),
        "quoted_on",
        "must not be in the future",
    );
}

fn wrong_state(detail: String) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail,
    }
}

/// Records one supplier's quotation for an approved request; every line must be a line of the
/// request, totals follow the money rules.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = QuotationInput,
    responses(
        (status = 201, body = QuotationDetail),
        (status = 409, description = "the supplier already quoted, the request is not approved, or a supplier is chosen already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid values; a line not of the request; unknown or inactive supplier", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/quotations")]
async fn create_supplier_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<QuotationInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_quotation(&mut v, &input);
    v.finish()?;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let r = db::lock_request(c, id)?;
        let status = RequestStatus::parse(&r.status)?;
        if status != RequestStatus::Approved {
            return Err(wrong_state(format!(
                "quotations are collected for an approved purchase request; this one is {}",
                status.as_str()
            )));
        }
        if let Some(s) = find_selection(c, id)?.filter(|s| s.status != SELECTION_REJECTED) {
            return Err(wrong_state(format!(
                "a supplier has been chosen already (selection {}); no more quotations",
                s.status
            )));
        }
        let supplier = active_supplier(c, input.supplier_id, "supplier_id")?;
        let quoted: bool = diesel::select(diesel::dsl::exists(
            supplier_quotations::table
                .filter(supplier_quotations::request_id.eq(id))
                .filter(supplier_quotations::supplier_id.eq(supplier.id)),
        ))
        .get_result(c)?;
        if quoted {
            return Err(AppError::Conflict {
                slug: "duplicate",
                detail: format!(
                    "supplier {} has already quoted for {}; one quotation per supplier",
                    supplier.code, r.number
                ),
            });
        }
        let currency = Currency::parse(input.currency.as_deref().unwrap_or(&supplier.currency))
            .map_err(|e| AppError::validation("currency", e.to_string()))?;
        let request_lines = db::request_lines(c, id)?;
        let mut errors = Vec::new();
        if input.lines.is_empty() {
            errors.push(FieldError::new("lines", "must quote at least one line"));
        }
        let mut seen = HashSet::new();
        let mut inputs = Vec::with_capacity(input.lines.len());
        let mut items = Vec::with_capacity(input.lines.len());
        for (i, l) in input.lines.iter().enumerate() {
            let rl = request_lines.iter().find(|rl| rl.id == l.request_line_id);
            match rl {
                None => errors.push(FieldError::new(
                    format!("lines[{i}].request_line_id"),
                    format!("not a line of purchase request {}", r.number),
                )),
                Some(_) if !seen.insert(l.request_line_id) => errors.push(FieldError::new(
                    format!("lines[{i}].request_line_id"),
                    "the line is quoted twice",
                )),
                Some(_) => {}
            }
            items.push(rl.map(|rl| rl.item_id).unwrap_or_default());
            inputs.push(LineInput {
                quantity: l.quantity.or_else(|| rl.map(|rl| rl.quantity)).unwrap_or(Decimal::ONE),
                unit_price: l.unit_price,
                discount_pct: Decimal::ZERO,
                tax_rate_pct: l.tax_rate_pct,
            });
        }
        for (field, message) in erp_money::validate_lines(&inputs) {
            errors.push(FieldError::new(field, message));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let (computed, totals) =
            erp_money::document_totals(&inputs, currency).map_err(|e| AppError::validation("lines", e.to_string()))?;
        let quotation_id = Uuid::now_v7();
        diesel::insert_into(supplier_quotations::table)
            .values((
                supplier_quotations::id.eq(quotation_id),
                supplier_quotations::request_id.eq(id),
                supplier_quotations::supplier_id.eq(supplier.id),
                supplier_quotations::reference.eq(clean(input.reference.clone())),
                supplier_quotations::quoted_on.eq(input.quoted_on),
                supplier_quotations::valid_until.eq(input.valid_until),
                supplier_quotations::currency.eq(currency.code()),
                supplier_quotations::lead_time_days.eq(input.lead_time_days),
                supplier_quotations::terms.eq(clean(input.terms.clone())),
                supplier_quotations::net.eq(totals.net),
                supplier_quotations::tax.eq(totals.tax),
                supplier_quotations::total.eq(totals.total),
                supplier_quotations::created_by.eq(&actor),
            ))
            .execute(c)?;
        let rows: Vec<_> = input
            .lines
            .iter()
            .zip(inputs.iter())
            .zip(computed.iter())
            .zip(items.iter())
            .map(|(((l, li), t), item_id)| {
                (
                    supplier_quotation_lines::id.eq(Uuid::now_v7()),
                    supplier_quotation_lines::quotation_id.eq(quotation_id),
                    supplier_quotation_lines::request_line_id.eq(l.request_line_id),
                    supplier_quotation_lines::item_id.eq(*item_id),
                    supplier_quotation_lines::quantity.eq(li.quantity),
                    supplier_quotation_lines::unit_price.eq(li.unit_price),
                    supplier_quotation_lines::tax_rate.eq(li.tax_rate_pct),
                    supplier_quotation_lines::net.eq(t.net),
                    supplier_quotation_lines::tax.eq(t.tax),
                )
            })
            .collect();
        diesel::insert_into(supplier_quotation_lines::table)
            .values(rows)
            .execute(c)?;
        let q = supplier_quotations::table
            .find(quotation_id)
            .select(SupplierQuotation::as_select())
            .first(c)?;
        quotation_detail(c, q)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-requests/{id}/quotations")))
        .json(d))
}

#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = QuotationList),
    )
)]
#[get("/api/v1/purchase-requests/{id}/quotations")]
async fn list_supplier_quotations(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationList>, AppError> {
    let scope = requests::scope(&user);
    let id = id.into_inner();
    let list = erp_db::with_conn(&ctx.pool, move |c| {
        visible(c, scope, id, false)?;
        let items = quotations_of(c, id)?
            .into_iter()
            .map(|q| quotation_detail(c, q))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QuotationList { items })
    })
    .await?;
    Ok(web::Json(list))
}

/// Marks the lowest value of each currency group.
fn cheapest_by_currency<'a>(values: impl Iterator<Item = (&'a str, Decimal)>) -> HashMap<String, Decimal> {
    let mut min: HashMap<String, Decimal> = HashMap::new();
    for (currency, v) in values {
        min.entry(currency.to_owned())
            .and_modify(|m| *m = (*m).min(v))
            .or_insert(v);
    }
    min
}

fn comparison(c: &mut PgConnection, r: &PurchaseRequest) -> Result<Comparison, AppError> {
    let request_lines = db::request_lines(c, r.id)?;
    let item_ids: Vec<Uuid> = request_lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &item_ids)?;
    let quotations = quotations_of(c, r.id)?;
    let supplier_ids: Vec<Uuid> = quotations.iter().map(|q| q.supplier_id).collect();
    let supplier_rows: HashMap<Uuid, Supplier> = suppliers::table
        .filter(suppliers::id.eq_any(&supplier_ids))
        .select(Supplier::as_select())
        .load(c)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let quotation_ids: Vec<Uuid> = quotations.iter().map(|q| q.id).collect();
    let all_lines: Vec<SupplierQuotationLine> = supplier_quotation_lines::table
        .filter(supplier_quotation_lines::quotation_id.eq_any(&quotation_ids))
        .select(SupplierQuotationLine::as_select())
        .load(c)?;
    let selection = find_selection(c, r.id)?;
    let by_id: HashMap<Uuid, &SupplierQuotation> = quotations.iter().map(|q| (q.id, q)).collect();
    let name_of = |supplier_id: Uuid| {
        supplier_rows
            .get(&supplier_id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };

    let mut lines = Vec::with_capacity(request_lines.len());
    for rl in &request_lines {
        let quoted: Vec<(&SupplierQuotationLine, &SupplierQuotation)> = all_lines
            .iter()
            .filter(|l| l.request_line_id == rl.id)
            .filter_map(|l| by_id.get(&l.quotation_id).map(|q| (l, *q)))
            .collect();
        let min = cheapest_by_currency(quoted.iter().map(|(l, q)| (q.currency.as_str(), l.unit_price)));
        let mut offers: Vec<Offer> = quoted
            .iter()
            .map(|(l, q)| Offer {
                quotation_id: q.id,
                supplier_id: q.supplier_id,
                supplier_name: name_of(q.supplier_id),
                currency: q.currency.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                net: l.net,
                tax: l.tax,
                lead_time_days: q.lead_time_days,
                terms: q.terms.clone(),
                cheapest: min.get(&q.currency) == Some(&l.unit_price),
            })
            .collect();
        offers.sort_by(|a, b| {
            (a.currency.as_str(), a.unit_price, a.lead_time_days).cmp(&(
                b.currency.as_str(),
                b.unit_price,
                b.lead_time_days,
            ))
        });
        let item = items.get(&rl.item_id);
        lines.push(ComparisonLine {
            request_line_id: rl.id,
            line_no: rl.line_no,
            item_id: rl.item_id,
            sku: item.map(|i| i.sku.clone()),
            name: item.map(|i| i.name.clone()),
            unit: item.map(|i| i.unit.clone()),
            quantity: rl.quantity,
            offers,
        });
    }

    let mut quoted_lines: BTreeMap<Uuid, usize> = BTreeMap::new();
    for l in &all_lines {
        *quoted_lines.entry(l.quotation_id).or_default() += 1;
    }
    let covers = |q: &SupplierQuotation| quoted_lines.get(&q.id).copied().unwrap_or(0) >= request_lines.len();
    let min_total = cheapest_by_currency(
        quotations
            .iter()
            .filter(|q| covers(q))
            .map(|q| (q.currency.as_str(), q.total)),
    );
    let suppliers = quotations
        .iter()
        .map(|q| {
            let s = supplier_rows.get(&q.supplier_id);
            SupplierTotal {
                quotation_id: q.id,
                supplier_id: q.supplier_id,
                supplier_code: s.map(|s| s.code.clone()).unwrap_or_default(),
                supplier_name: s.map(|s| s.name.clone()).unwrap_or_default(),
                rating: s.and_then(|s| s.rating),
                reference: q.reference.clone(),
                quoted_on: q.quoted_on,
                valid_until: q.valid_until,
                currency: q.currency.clone(),
                net: q.net,
                tax: q.tax,
                total: q.total,
                lead_time_days: q.lead_time_days,
                terms: q.terms.clone(),
                lines_quoted: quoted_lines.get(&q.id).copied().unwrap_or(0),
                covers_every_line: covers(q),
                cheapest: covers(q) && min_total.get(&q.currency) == Some(&q.total),
                chosen: selection.as_ref().is_some_and(|s| s.chosen_quotation_id == q.id),
            }
        })
        .collect();
    let count = supplier_count(c, r.id)?;
    Ok(Comparison {
        request_id: r.id,
        request_number: r.number.clone(),
        quotations: count,
        min_quotations: MIN_QUOTATIONS,
        enough_quotations: count >= MIN_QUOTATIONS,
        lines,
        suppliers,
        selection,
    })
}

/// The quotations side by side: per request line each supplier's unit price, line net, lead
/// time and terms with the cheapest marked; per supplier the totals.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = Comparison),
    )
)]
#[get("/api/v1/purchase-requests/{id}/quotations/comparison")]
async fn compare_supplier_quotations(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Comparison>, AppError> {
    let scope = requests::scope(&user);
    let id = id.into_inner();
    let cmp = erp_db::with_conn(&ctx.pool, move |c| {
        let r = visible(c, scope, id, false)?;
        comparison(c, &r)
    })
    .await?;
    Ok(web::Json(cmp))
}

fn selection_detail(c: &mut PgConnection, r: &PurchaseRequest) -> Result<SelectionDetail, AppError> {
    let selection = find_selection(c, r.id)?.ok_or_else(|| AppError::not_found("supplier selection"))?;
    let q = supplier_quotations::table
        .find(selection.chosen_quotation_id)
        .select(SupplierQuotation::as_select())
        .first(c)?;
    let supplier = supplier_of(c, q.supplier_id)?;
    Ok(SelectionDetail {
        request_number: r.number.clone(),
        chosen: ChosenQuotation {
            quotation_id: q.id,
            supplier_id: supplier.id,
            supplier_code: supplier.code,
            supplier_name: supplier.name,
            currency: q.currency,
            net: q.net,
            tax: q.tax,
            total: q.total,
            lead_time_days: q.lead_time_days,
        },
        quotations: supplier_count(c, r.id)?,
        approval: erp_approval::latest_for_document(c, SELECTION_DOCUMENT_TYPE, r.id)?,
        selection,
    })
}

/// The supplier chosen for the request, the reason when fewer than three quoted, and project
/// control's review.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = SelectionDetail),
        (status = 404, description = "unknown request, or no supplier chosen yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/purchase-requests/{id}/selection")]
async fn get_supplier_selection(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<SelectionDetail>, AppError> {
    let scope = requests::scope(&user);
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| {
        let r = visible(c, scope, id, false)?;
        selection_detail(c, &r)
    })
    .await?;
    Ok(web::Json(d))
}

/// Chooses a supplier's quotation and passes the comparison to project control. Fewer than three
/// quotations from different suppliers need `fewer_quotes_reason`. After a rejection a new
/// choice may be made.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = SelectionInput,
    responses(
        (status = 201, body = SelectionDetail),
        (status = 409, description = "the request is not approved, or a selection waits for review or is approved", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "fewer than three quotations and no reason; not a quotation of the request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/selection")]
async fn create_supplier_selection(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<SelectionInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.optional_text("fewer_quotes_reason", input.fewer_quotes_reason.as_deref(), 2000)
        .optional_text("note", input.note.as_deref(), 2000);
    v.finish()?;
    let reason = clean(input.fewer_quotes_reason.clone());
    let note = clean(input.note.clone());
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let r = db::lock_request(c, id)?;
        let status = RequestStatus::parse(&r.status)?;
        if status != RequestStatus::Approved {
            return Err(wrong_state(format!(
                "a supplier is chosen for an approved purchase request; this one is {}",
                status.as_str()
            )));
        }
        if let Some(s) = find_selection(c, id)?.filter(|s| s.status != SELECTION_REJECTED) {
            return Err(wrong_state(format!(
                "the supplier selection is {} already",
                s.status.replace('_', " ")
            )));
        }
        let q = supplier_quotations::table
            .find(input.chosen_quotation_id)
            .select(SupplierQuotation::as_select())
            .first(c)
            .optional()?
            .filter(|q| q.request_id == id)
            .ok_or_else(|| {
                AppError::validation(
                    "chosen_quotation_id",
                    format!("not a quotation of purchase request {}", r.number),
                )
            })?;
        let count = supplier_count(c, id)?;
        if count < MIN_QUOTATIONS && reason.is_none() {
            return Err(AppError::validation(
                "fewer_quotes_reason",
                format!(
                    "only {count} quotation(s) from different suppliers: collect at least {MIN_QUOTATIONS} \
                     or give the reason for fewer"
                ),
            ));
        }
        let now = Utc::now();
        diesel::insert_into(quotation_selections::table)
            .values((
                quotation_selections::request_id.eq(id),
                quotation_selections::chosen_quotation_id.eq(q.id),
                quotation_selections::fewer_quotes_reason.eq(&reason),
                quotation_selections::note.eq(&note),
                quotation_selections::status.eq(SELECTION_PENDING),
                quotation_selections::submitted_by.eq(&actor),
            ))
            .on_conflict(quotation_selections::request_id)
            .do_update()
            .set((
                quotation_selections::chosen_quotation_id.eq(q.id),
                quotation_selections::fewer_quotes_reason.eq(&reason),
                quotation_selections::note.eq(&note),
                quotation_selections::status.eq(SELECTION_PENDING),
                quotation_selections::approval_request_id.eq(None::<Uuid>),
                quotation_selections::submitted_by.eq(&actor),
                quotation_selections::updated_at.eq(now),
            ))
            .execute(c)?;
        let facts = erp_approval::Facts::new(SELECTION_DOCUMENT_TYPE, r.id, &r.number, user.id, &q.currency, q.total);
        let submission = erp_approval::submit(c, &facts, &meta)?;
        let status = if submission.auto_approved {
            SELECTION_APPROVED
        } else {
            SELECTION_PENDING
        };
        diesel::update(quotation_selections::table.find(id))
            .set((
                quotation_selections::approval_request_id.eq(submission.request.id),
                quotation_selections::status.eq(status),
            ))
            .execute(c)?;
        selection_detail(c, &r)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-requests/{id}/selection")))
        .json(d))
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> Result<SelectionDetail, AppError> {
    let meta = ctx.event_meta(&user);
    erp_db::transaction(&ctx.pool, move |c| {
        // The request first, as every handler of it does: one lock order.
        let r = db::lock_request(c, id)?;
        let selection = quotation_selections::table
            .find(id)
            .select(QuotationSelection::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("supplier selection"))?;
        if selection.status != SELECTION_PENDING {
            return Err(wrong_state(format!(
                "the supplier selection is {}, not waiting for review",
                selection.status
            )));
        }
        let next = match erp_approval::decide(
            c,
            (SELECTION_DOCUMENT_TYPE, id),
            &user,
            approve,
            comment.as_deref(),
            &meta,
        )?
        .verdict()
        {
            erp_approval::Verdict::Pending => None,
            erp_approval::Verdict::Approved => Some(SELECTION_APPROVED),
            erp_approval::Verdict::Rejected => Some(SELECTION_REJECTED),
        };
        if let Some(status) = next {
            diesel::update(quotation_selections::table.find(id))
                .set((
                    quotation_selections::status.eq(status),
                    quotation_selections::updated_at.eq(Utc::now()),
                ))
                .execute(c)?;
        }
        selection_detail(c, &r)
    })
    .await
}

#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = Comment,
    responses(
        (status = 200, body = SelectionDetail),
        (status = 403, description = "not project control, or one's own selection", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for review", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/selection/approve")]
async fn approve_supplier_selection(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<SelectionDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = Comment,
    responses(
        (status = 200, body = SelectionDetail),
        (status = 403, description = "not project control, or one's own selection", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for review", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/selection/reject")]
async fn reject_supplier_selection(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<SelectionDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}
