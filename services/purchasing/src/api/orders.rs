//! Purchase orders: made from an approved request whose supplier selection project control
//! approved (one order per supplier, at the quoted prices, lines keeping their request line) or
//! entered directly; totals by the money rules; `draft → pending_approval → approved → sent`,
//! `rejected`, `cancelled` (and the receiving states, moved by arrivals). Submitting evaluates
//! the authority matrix by amount; the last approval publishes `purchasing.order.approved`.

use super::approvals::Comment;
use super::quotations::{self, SELECTION_APPROVED};
use super::suppliers::{active_supplier, clean};
use super::{BUYERS, requests};
use crate::db::{
    self, OrderLine, PurchaseOrder, Supplier, SupplierQuotation, SupplierQuotationLine, schema::purchase_order_lines,
    schema::purchase_orders, schema::purchase_request_lines, schema::supplier_quotation_lines,
    schema::supplier_quotations,
};
use crate::domain::status::{OrderAction, OrderStatus, RequestAction, RequestStatus};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_approval::ApprovalDetail;
use erp_auth::{CurrentUser, Role};
use erp_contracts::purchasing::{OrderApproved, OrderApprovedLine};
use erp_money::{Currency, DocumentTotals, LineInput};
use erp_problem::{AppError, FieldError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const DOCUMENT_TYPE: &str = "purchase_order";

/// Who reads purchase orders: buyers, leaders, finance, the warehouse and project control.
pub const READERS: [Role; 8] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
    Role::WarehouseKeeper,
    Role::ProjectController,
];

const MAX_LINES: usize = 200;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_purchase_orders)
        .service(get_purchase_order)
        .service(create_purchase_order)
        .service(orders_from_purchase_request)
        .service(update_purchase_order)
        .service(submit_purchase_order)
        .service(approve_purchase_order)
        .service(reject_purchase_order)
        .service(send_purchase_order)
        .service(cancel_purchase_order);
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct OrderLineInput {
    pub item_id: Uuid,
    /// The item's name when absent.
    pub description: Option<String>,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// VAT rate in percent.
    #[serde(default)]
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
    /// The order's date when absent.
    pub expected_arrival: Option<NaiveDate>,
    /// On update of an order made from a purchase request: the request line this line buys
    /// (as the order's line carried it). Not given on a direct order.
    pub request_line_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderInput {
    pub supplier_id: Uuid,
    /// The supplier's currency when absent.
    pub currency: Option<String>,
    /// Today when absent.
    pub order_date: Option<NaiveDate>,
    /// When the goods are due; required.
    pub expected_arrival: Option<NaiveDate>,
    /// Where the goods are to arrive (the default warehouse when absent).
    pub warehouse_id: Option<Uuid>,
    /// The supplier's terms when absent.
    pub payment_terms: Option<String>,
    pub payment_days: Option<i32>,
    pub note: Option<String>,
    pub lines: Vec<OrderLineInput>,
    /// Required on update.
    pub version: Option<i64>,
}

/// Header values for the orders made from a request; the supplier's terms and the quoted lead
/// time when absent.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct FromRequestInput {
    pub expected_arrival: Option<NaiveDate>,
    pub warehouse_id: Option<Uuid>,
    pub payment_terms: Option<String>,
    pub payment_days: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: PurchaseOrder,
    pub supplier_code: String,
    pub supplier_name: String,
    pub lines: Vec<OrderLine>,
    /// The latest approval request: steps, decisions and comments.
    pub approval: Option<ApprovalDetail>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOrders {
    /// One order per supplier.
    pub orders: Vec<OrderDetail>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub status: Option<String>,
    pub supplier_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<PurchaseOrder>,
    pub next_cursor: Option<Uuid>,
}

/// Moves a purchase order to `status` (checked by the caller against `OrderStatus::transition`),
/// bumping its version.
pub(crate) use crate::db::set_order_status;

pub(crate) fn detail(c: &mut PgConnection, id: Uuid) -> Result<OrderDetail, AppError> {
    let order = db::find_order(c, id)?;
    let supplier = db::find_supplier(c, order.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
    Ok(OrderDetail {
        lines: db::order_lines(c, id)?,
        supplier_code: supplier.code,
        supplier_name: supplier.name,
        approval: erp_approval::latest_for_document(c, DOCUMENT_TYPE, id)?,
        order,
    })
}

fn require_reader(user: &CurrentUser) -> Result<(), AppError> {
    if user.has_any_role(&READERS) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "purchase orders are visible to buyers, leaders, finance, the warehouse and project control".into(),
        ))
    }
}

fn wrong_state(detail: String) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail,
    }
}

/// A line ready to be stored.
#[derive(Debug, Clone)]
struct LineRow {
    item_id: Uuid,
    request_line_id: Option<Uuid>,
    description: String,
    unit: String,
    input: LineInput,
    net: Decimal,
    tax: Decimal,
    total: Decimal,
    expected_arrival: Option<NaiveDate>,
}

/// Resolves the lines against the catalogue (an unknown or inactive item is a 422), checks them
/// by the money rules and totals them.
fn build_lines(
    c: &mut PgConnection,
    currency: Currency,
    lines: &[OrderLineInput],
    mut errors: Vec<FieldError>,
) -> Result<(Vec<LineRow>, DocumentTotals), AppError> {
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
    }
    if lines.len() > MAX_LINES {
        errors.push(FieldError::new("lines", format!("at most {MAX_LINES} lines")));
    }
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &ids)?;
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
        if l.description.as_deref().is_some_and(|d| d.chars().count() > 500) {
            errors.push(FieldError::new(
                format!("lines[{i}].description"),
                "must be at most 500 characters",
            ));
        }
    }
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: l.tax_rate_pct,
        })
        .collect();
    for (field, message) in erp_money::validate_lines(&inputs) {
        errors.push(FieldError::new(field, message));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (computed, totals) =
        erp_money::document_totals(&inputs, currency).map_err(|e| AppError::validation("lines", e.to_string()))?;
    let rows = lines
        .iter()
        .zip(inputs)
        .zip(computed)
        .map(|((l, input), t)| {
            let item = items.get(&l.item_id);
            LineRow {
                item_id: l.item_id,
                request_line_id: l.request_line_id,
                description: clean(l.description.clone())
                    .or_else(|| item.map(|i| i.name.clone()))
                    .unwrap_or_default(),
                unit: item.map(|i| i.unit.clone()).unwrap_or_default(),
                input,
                net: t.net,
                tax: t.tax,
                total: t.total,
                expected_arrival: l.expected_arrival,
            }
        })
        .collect();
    Ok((rows, totals))
}

fn insert_lines(c: &mut PgConnection, order_id: Uuid, rows: &[LineRow]) -> Result<(), AppError> {
    diesel::delete(purchase_order_lines::table.filter(purchase_order_lines::order_id.eq(order_id))).execute(c)?;
    let values: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                purchase_order_lines::id.eq(Uuid::now_v7()),
                purchase_order_lines::order_id.eq(order_id),
                purchase_order_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                purchase_order_lines::item_id.eq(r.item_id),
                purchase_order_lines::request_line_id.eq(r.request_line_id),
                purchase_order_lines::description.eq(&r.description),
                purchase_order_lines::unit.eq(&r.unit),
                purchase_order_lines::quantity.eq(r.input.quantity),
                purchase_order_lines::unit_price.eq(r.input.unit_price),
                purchase_order_lines::tax_rate.eq(r.input.tax_rate_pct),
                purchase_order_lines::net.eq(r.net),
                purchase_order_lines::tax.eq(r.tax),
                purchase_order_lines::total.eq(r.total),
                purchase_order_lines::expected_arrival.eq(r.expected_arrival),
            )
        })
        .collect();
    diesel::insert_into(purchase_order_lines::table)
        .values(values)
        .execute(c)?;
    Ok(())
}

struct Header {
    supplier: Supplier,
    currency: Currency,
    order_date: NaiveDate,
    expected_arrival: Option<NaiveDate>,
    warehouse_id: Option<Uuid>,
    payment_terms: String,
    payment_days: i32,
    note: Option<String>,
    request_id: Option<Uuid>,
    quotation_id: Option<Uuid>,
}

fn insert_order(
    c: &mut PgConnection,
    h: &Header,
    rows: &[LineRow],
    totals: &DocumentTotals,
    user: &CurrentUser,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, "PO", erp_calendar::today().year())?;
    let department_id = erp_directory::find(c, user.id)?
        .and_then(|e| e.department_id)
        .or(user.department_id);
    diesel::insert_into(purchase_orders::table)
        .values((
            purchase_orders::id.eq(id),
            purchase_orders::number.eq(&number),
            purchase_orders::supplier_id.eq(h.supplier.id),
            purchase_orders::request_id.eq(h.request_id),
            purchase_orders::quotation_id.eq(h.quotation_id),
            purchase_orders::currency.eq(h.currency.code()),
            purchase_orders::status.eq(OrderStatus::Draft.as_str()),
            purchase_orders::order_date.eq(h.order_date),
            purchase_orders::expected_arrival.eq(h.expected_arrival),
            purchase_orders::payment_terms.eq(&h.payment_terms),
            purchase_orders::payment_days.eq(h.payment_days),
            purchase_orders::warehouse_id.eq(h.warehouse_id),
            purchase_orders::note.eq(&h.note),
            purchase_orders::net.eq(totals.net),
            purchase_orders::tax.eq(totals.tax),
            purchase_orders::total.eq(totals.total),
            purchase_orders::created_by.eq(user.actor()),
            purchase_orders::buyer_id.eq(user.id),
            purchase_orders::department_id.eq(department_id),
        ))
        .execute(c)?;
    insert_lines(c, id, rows)?;
    Ok(id)
}

/// Checks the header values a buyer gives.
fn check_terms(v: &mut Validator, payment_terms: Option<&str>, payment_days: Option<i32>, note: Option<&str>) {
    if let Some(t) = payment_terms {
        v.text("payment_terms", t, 500);
    }
    if let Some(d) = payment_days {
        v.check((0..=365).contains(&d), "payment_days", "must be between 0 and 365");
    }
    v.optional_text("note", note, 4000);
}

fn check_input(v: &mut Validator, input: &OrderInput) {
    check_terms(
        v,
        input.payment_terms.as_deref(),
        input.payment_days,
        input.note.as_deref(),
    );
    let order_date = input.order_date.unwrap_or_else(erp_calendar::today);
    match input.expected_arrival {
        None => {
            v.add("expected_arrival", "is required");
        }
        Some(d) => {
            v.check(d >= order_date, "expected_arrival", "must not be before the order date");
        }
    }
    for (i, l) in input.lines.iter().enumerate() {
        if let Some(d) = l.expected_arrival {
            v.check(
                d >= order_date,
                &format!("lines[{i}].expected_arrival"),
                "must not be before the order date",
            );
        }
    }
}

fn errors_of(v: Validator) -> Vec<FieldError> {
    match v.finish() {
        Err(AppError::Validation(e)) => e,
        _ => Vec::new(),
    }
}

fn parse_currency(code: &str) -> Result<Currency, AppError> {
    Currency::parse(code).map_err(|e| AppError::validation("currency", e.to_string()))
}

/// The currency, or VND with the problem added to `errors` (reported with the lines').
fn currency_or_error(code: &str, errors: &mut Vec<FieldError>) -> Currency {
    Currency::parse(code).unwrap_or_else(|e| {
        errors.push(FieldError::new("currency", e.to_string()));
        Currency::Vnd
    })
}

#[utoipa::path(
    tag = "purchase orders",
    params(OrderQuery),
    responses(
        (status = 200, body = OrderPage),
    )
)]
#[get("/api/v1/purchase-orders")]
async fn list_purchase_orders(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<OrderQuery>,
) -> Result<web::Json<OrderPage>, AppError> {
    require_reader(&user)?;
    let q = query.into_inner();
    if let Some(s) = &q.status {
        OrderStatus::parse(s).map_err(|_| AppError::validation("status", "is not a purchase order status"))?;
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = purchase_orders::table
            .select(PurchaseOrder::as_select())
            .order(purchase_orders::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(purchase_orders::status.eq(s));
        }
        if let Some(s) = q.supplier_id {
            sql = sql.filter(purchase_orders::supplier_id.eq(s));
        }
        if let Some(r) = q.request_id {
            sql = sql.filter(purchase_orders::request_id.eq(r));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(purchase_orders::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(OrderPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/purchase-orders/{id}")]
async fn get_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    if !user.has_any_role(&READERS) {
        return Err(AppError::not_found("purchase order"));
    }
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| detail(c, id)).await?))
}

/// A direct order (no request): lines at the buyer's prices.
#[utoipa::path(
    tag = "purchase orders",
    request_body = OrderInput,
    responses(
        (status = 201, body = OrderDetail),
        (status = 422, description = "invalid values; unknown or inactive item or supplier", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders")]
async fn create_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<OrderInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    check_input(&mut v, &input);
    for (i, l) in input.lines.iter().enumerate() {
        v.check(
            l.request_line_id.is_none(),
            &format!("lines[{i}].request_line_id"),
            "only orders made from a purchase request carry request lines",
        );
    }
    let errors = errors_of(v);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let supplier = active_supplier(c, input.supplier_id, "supplier_id")?;
        let mut errors = errors.clone();
        let currency = currency_or_error(input.currency.as_deref().unwrap_or(&supplier.currency), &mut errors);
        let (rows, totals) = build_lines(c, currency, &input.lines, errors)?;
        let header = Header {
            currency,
            order_date: input.order_date.unwrap_or_else(erp_calendar::today),
            expected_arrival: input.expected_arrival,
            warehouse_id: input.warehouse_id,
            payment_terms: clean(input.payment_terms.clone()).unwrap_or_else(|| supplier.payment_terms.clone()),
            payment_days: input.payment_days.unwrap_or(supplier.payment_days),
            note: clean(input.note.clone()),
            request_id: None,
            quotation_id: None,
            supplier,
        };
        let id = insert_order(c, &header, &rows, &totals, &user)?;
        detail(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-orders/{}", d.order.id)))
        .json(d))
}

/// What one supplier is to deliver for a request: its quotation and the lines still open.
struct SupplierPart {
    quotation: SupplierQuotation,
    lines: Vec<(SupplierQuotationLine, Decimal)>,
}

/// Keeps a request's status in step with its lines: `ordered` once every line is fully on
/// purchase orders, `approved` again when a cancelled or cut order leaves some open.
fn sync_request_status(c: &mut PgConnection, request_id: Uuid) -> Result<(), AppError> {
    let r = db::lock_request(c, request_id)?;
    let status = RequestStatus::parse(&r.status)?;
    let complete = db::request_lines(c, request_id)?
        .iter()
        .all(|l| l.ordered >= l.quantity);
    let action = match (status, complete) {
        (RequestStatus::Approved, true) => RequestAction::Order,
        (RequestStatus::Ordered, false) => RequestAction::Reopen,
        _ => return Ok(()),
    };
    requests::set_request_status(c, request_id, status.transition(action)?)
}

/// Adds `delta` to what a request line has on purchase orders; never below zero nor above the
/// requested quantity (else 422 on `field`).
fn add_ordered(c: &mut PgConnection, request_line_id: Uuid, delta: Decimal, field: &str) -> Result<(), AppError> {
    let (quantity, ordered): (Decimal, Decimal) = purchase_request_lines::table
        .find(request_line_id)
        .select((purchase_request_lines::quantity, purchase_request_lines::ordered))
        .for_update()
        .first(c)?;
    let next = ordered + delta;
    if next > quantity {
        return Err(AppError::validation(
            field,
            format!(
                "only {} of the request line are still to order",
                (quantity - ordered).max(Decimal::ZERO).normalize()
            ),
        ));
    }
    diesel::update(purchase_request_lines::table.find(request_line_id))
        .set(purchase_request_lines::ordered.eq(next.max(Decimal::ZERO)))
        .execute(c)?;
    Ok(())
}

/// Makes the purchase orders of an approved request whose supplier selection was approved: one
/// per supplier, at the quoted prices, for what is still open on each request line (at most the
/// quoted quantity). The request becomes `ordered` when every line is fully ordered.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = FromRequestInput,
    responses(
        (status = 201, body = CreatedOrders),
        (status = 409, description = "the request or its supplier selection is not approved, the supplier is inactive, or nothing is left to order", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/orders")]
async fn orders_from_purchase_request(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<FromRequestInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_terms(
        &mut v,
        input.payment_terms.as_deref(),
        input.payment_days,
        input.note.as_deref(),
    );
    if let Some(d) = input.expected_arrival {
        v.check(
            d >= erp_calendar::today(),
            "expected_arrival",
            "must not be in the past",
        );
    }
    v.finish()?;
    let created = erp_db::transaction(&ctx.pool, move |c| {
        let r = db::lock_request(c, id)?;
        let status = RequestStatus::parse(&r.status)?;
        if !matches!(status, RequestStatus::Approved | RequestStatus::Ordered) {
            return Err(wrong_state(format!(
                "purchase orders are made from an approved purchase request; this one is {}",
                status.as_str()
            )));
        }
        let selection = quotations::find_selection(c, id)?
            .filter(|s| s.status == SELECTION_APPROVED)
            .ok_or_else(|| {
                wrong_state("the supplier selection must be approved by project control before ordering".into())
            })?;
        let request_lines: HashMap<Uuid, (i32, Decimal, Decimal)> = purchase_request_lines::table
            .filter(purchase_request_lines::request_id.eq(id))
            .select((
                purchase_request_lines::id,
                purchase_request_lines::line_no,
                purchase_request_lines::quantity,
                purchase_request_lines::ordered,
            ))
            .for_update()
            .load::<(Uuid, i32, Decimal, Decimal)>(c)?
            .into_iter()
            .map(|(lid, n, q, o)| (lid, (n, q, o)))
            .collect();
        // The approved selection's quotations, split by supplier (one today: the chosen one).
        let chosen: Vec<SupplierQuotation> = supplier_quotations::table
            .filter(supplier_quotations::id.eq(selection.chosen_quotation_id))
            .select(SupplierQuotation::as_select())
            .load(c)?;
        let mut parts: BTreeMap<Uuid, SupplierPart> = BTreeMap::new();
        for q in chosen {
            let lines: Vec<SupplierQuotationLine> = supplier_quotation_lines::table
                .filter(supplier_quotation_lines::quotation_id.eq(q.id))
                .select(SupplierQuotationLine::as_select())
                .load(c)?;
            let mut open_lines = Vec::new();
            for l in lines {
                let (line_no, quantity, ordered) = request_lines.get(&l.request_line_id).copied().unwrap_or_default();
                let qty = l.quantity.min(quantity - ordered);
                if qty > Decimal::ZERO {
                    open_lines.push((line_no, l, qty));
                }
            }
            // In the request's order.
            open_lines.sort_by_key(|(line_no, _, _)| *line_no);
            let open_lines: Vec<(SupplierQuotationLine, Decimal)> =
                open_lines.into_iter().map(|(_, l, qty)| (l, qty)).collect();
            if !open_lines.is_empty() {
                parts.entry(q.supplier_id).or_insert(SupplierPart {
                    quotation: q,
                    lines: open_lines,
                });
            }
        }
        if parts.is_empty() {
            return Err(wrong_state(format!(
                "nothing of {} is left to order from the chosen quotation",
                r.number
            )));
        }
        let mut ids = Vec::with_capacity(parts.len());
        for part in parts.into_values() {
            let q = &part.quotation;
            let supplier = db::find_supplier(c, q.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
            if !supplier.active {
                return Err(wrong_state(format!("supplier {} is no longer active", supplier.code)));
            }
            let currency = parse_currency(&q.currency)?;
            let inputs: Vec<OrderLineInput> = part
                .lines
                .iter()
                .map(|(l, qty)| OrderLineInput {
                    item_id: l.item_id,
                    description: None,
                    quantity: *qty,
                    unit_price: l.unit_price,
                    tax_rate_pct: l.tax_rate,
                    expected_arrival: None,
                    request_line_id: Some(l.request_line_id),
                })
                .collect();
            let (rows, totals) = build_lines(c, currency, &inputs, Vec::new())?;
            let today = erp_calendar::today();
            let lead = u64::try_from(q.lead_time_days).unwrap_or(0);
            let header = Header {
                currency,
                order_date: today,
                expected_arrival: input
                    .expected_arrival
                    .or_else(|| today.checked_add_days(chrono::Days::new(lead))),
                warehouse_id: input.warehouse_id,
                payment_terms: clean(input.payment_terms.clone()).unwrap_or_else(|| supplier.payment_terms.clone()),
                payment_days: input.payment_days.unwrap_or(supplier.payment_days),
                note: clean(input.note.clone()),
                request_id: Some(id),
                quotation_id: Some(q.id),
                supplier,
            };
            let order_id = insert_order(c, &header, &rows, &totals, &user)?;
            for (i, (l, qty)) in part.lines.iter().enumerate() {
                add_ordered(c, l.request_line_id, *qty, &format!("lines[{i}].quantity"))?;
            }
            ids.push(order_id);
        }
        sync_request_status(c, id)?;
        let orders = ids
            .into_iter()
            .map(|oid| detail(c, oid))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CreatedOrders { orders })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-orders?request_id={id}")))
        .json(created))
}

/// Changes a draft or rejected order (lines are replaced; it becomes a draft again). On an
/// order made from a request, lines keep their `request_line_id` and the request's ordered
/// quantities follow the change.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = OrderInput,
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "not a draft, or stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/purchase-orders/{id}")]
async fn update_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<OrderInput>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.check(
        input.version.is_some(),
        "version",
        "is required to change a purchase order",
    );
    check_input(&mut v, &input);
    let errors = errors_of(v);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        let next = OrderStatus::parse(&o.status)?.transition(OrderAction::Edit)?;
        if let Some(rid) = o.request_id {
            // Before its lines: making orders from the request locks the request first.
            db::lock_request(c, rid)?;
        }
        if errors.is_empty() && Some(o.version) != input.version {
            return Err(AppError::stale_version("the purchase order"));
        }
        let mut errors = errors.clone();
        if o.request_id.is_some() && input.supplier_id != o.supplier_id {
            errors.push(FieldError::new(
                "supplier_id",
                "an order made from a purchase request keeps its supplier",
            ));
        }
        // Lines of an order made from a request name lines of that request, with their item.
        let request_lines = match o.request_id {
            Some(rid) => db::request_lines(c, rid)?,
            None => Vec::new(),
        };
        for (i, l) in input.lines.iter().enumerate() {
            let Some(rl_id) = l.request_line_id else { continue };
            match request_lines.iter().find(|rl| rl.id == rl_id) {
                None => errors.push(FieldError::new(
                    format!("lines[{i}].request_line_id"),
                    "not a line of the order's purchase request",
                )),
                Some(rl) if rl.item_id != l.item_id => errors.push(FieldError::new(
                    format!("lines[{i}].item_id"),
                    "must be the item of its request line",
                )),
                Some(_) => {}
            }
            if input.lines[..i].iter().any(|p| p.request_line_id == Some(rl_id)) {
                errors.push(FieldError::new(
                    format!("lines[{i}].request_line_id"),
                    "the request line is on the order twice",
                ));
            }
        }
        let supplier = if o.request_id.is_some() {
            db::find_supplier(c, o.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?
        } else {
            active_supplier(c, input.supplier_id, "supplier_id")?
        };
        let currency = currency_or_error(input.currency.as_deref().unwrap_or(&o.currency), &mut errors);
        let (rows, totals) = build_lines(c, currency, &input.lines, errors)?;
        // The request's ordered quantities follow the change.
        let old = db::order_lines(c, id)?;
        let mut delta: BTreeMap<Uuid, (Decimal, Option<usize>)> = BTreeMap::new();
        for l in &old {
            if let Some(rl) = l.request_line_id {
                delta.entry(rl).or_insert((Decimal::ZERO, None)).0 -= l.quantity;
            }
        }
        for (i, r) in rows.iter().enumerate() {
            if let Some(rl) = r.request_line_id {
                let e = delta.entry(rl).or_insert((Decimal::ZERO, None));
                e.0 += r.input.quantity;
                e.1 = Some(i);
            }
        }
        for (rl, (d, line)) in &delta {
            if !d.is_zero() {
                let field = line.map_or_else(|| "lines".to_owned(), |i| format!("lines[{i}].quantity"));
                add_ordered(c, *rl, *d, &field)?;
            }
        }
        diesel::update(purchase_orders::table.find(id))
            .set((
                purchase_orders::status.eq(next.as_str()),
                purchase_orders::supplier_id.eq(supplier.id),
                purchase_orders::currency.eq(currency.code()),
                purchase_orders::order_date.eq(input.order_date.unwrap_or(o.order_date)),
                purchase_orders::expected_arrival.eq(input.expected_arrival),
                purchase_orders::warehouse_id.eq(input.warehouse_id),
                purchase_orders::payment_terms
                    .eq(clean(input.payment_terms.clone()).unwrap_or_else(|| supplier.payment_terms.clone())),
                purchase_orders::payment_days.eq(input.payment_days.unwrap_or(supplier.payment_days)),
                purchase_orders::note.eq(clean(input.note.clone())),
                purchase_orders::net.eq(totals.net),
                purchase_orders::tax.eq(totals.tax),
                purchase_orders::total.eq(totals.total),
                purchase_orders::version.eq(purchase_orders::version + 1),
                purchase_orders::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        insert_lines(c, id, &rows)?;
        if let Some(rid) = o.request_id {
            sync_request_status(c, rid)?;
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Marks the order approved and publishes `purchasing.order.approved`.
fn approve(
    c: &mut PgConnection,
    o: &PurchaseOrder,
    from: OrderStatus,
    meta: &erp_bus::EventMeta,
) -> Result<(), AppError> {
    set_order_status(c, o.id, from.transition(OrderAction::Approve)?)?;
    let event = approved_event(c, o)?;
    erp_bus::enqueue(c, meta, &event)?;
    Ok(())
}

/// The order as `purchasing.order.approved` carries it.
pub(crate) fn approved_event(c: &mut PgConnection, o: &PurchaseOrder) -> Result<OrderApproved, AppError> {
    let supplier = db::find_supplier(c, o.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
    let lines = db::order_lines(c, o.id)?;
    Ok(OrderApproved {
        order_id: o.id,
        number: o.number.clone(),
        supplier_id: o.supplier_id,
        supplier_name: supplier.name,
        currency: o.currency.clone(),
        net: o.net,
        tax: o.tax,
        total: o.total,
        payment_terms: o.payment_terms.clone(),
        payment_days: o.payment_days,
        expected_arrival: o.expected_arrival,
        lines: lines
            .iter()
            .map(|l| OrderApprovedLine {
                line_id: l.id,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                net: l.net,
                tax: l.tax,
            })
            .collect(),
    })
}

/// Submits for approval: the purchasing manager, and above 100,000,000 VND the general manager
/// after them (the authority matrix decides); with no rule the order is approved at once.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "not a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/submit")]
async fn submit_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        let next = OrderStatus::parse(&o.status)?.transition(OrderAction::Submit)?;
        let mut facts = erp_approval::Facts::new(DOCUMENT_TYPE, o.id, &o.number, user.id, &o.currency, o.total);
        facts.submitter_department = o.department_id;
        let submission = erp_approval::submit(c, &facts, &meta)?;
        diesel::update(purchase_orders::table.find(id))
            .set(purchase_orders::approval_request_id.eq(submission.request.id))
            .execute(c)?;
        if submission.auto_approved {
            approve(c, &o, next, &meta)?;
        } else {
            set_order_status(c, id, next)?;
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve_it: bool,
    comment: Option<String>,
) -> Result<OrderDetail, AppError> {
    let meta = ctx.event_meta(&user);
    erp_db::transaction(&ctx.pool, move |c| {
        // Approvers are found by role: the engine checks the step and refuses one's own order.
        let o = db::lock_order(c, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if status != OrderStatus::PendingApproval {
            return Err(wrong_state(format!(
                "the purchase order is {}, not waiting for approval",
                status.as_str()
            )));
        }
        match erp_approval::decide(c, (DOCUMENT_TYPE, id), &user, approve_it, comment.as_deref(), &meta)?.verdict() {
            erp_approval::Verdict::Pending => {}
            erp_approval::Verdict::Approved => approve(c, &o, status, &meta)?,
            erp_approval::Verdict::Rejected => set_order_status(c, id, status.transition(OrderAction::Reject)?)?,
        }
        detail(c, id)
    })
    .await
}

#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = Comment,
    responses(
        (status = 200, body = OrderDetail),
        (status = 403, description = "not the approver of this step, or one's own order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for approval, already decided, or a later step", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/approve")]
async fn approve_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<OrderDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = Comment,
    responses(
        (status = 200, body = OrderDetail),
        (status = 403, description = "not the approver of this step, or one's own order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for approval, already decided, or a later step", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/reject")]
async fn reject_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<OrderDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}

/// The approved order went to the supplier.
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "not approved", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/send")]
async fn send_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        set_order_status(c, id, OrderStatus::parse(&o.status)?.transition(OrderAction::Send)?)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Cancels an order nothing was received on; a pending approval is withdrawn, and the request
/// lines it bought are open to order again (an `ordered` request is `approved` again).
#[utoipa::path(
    tag = "purchase orders",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "goods were received, or already cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/cancel")]
async fn cancel_purchase_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        let status = OrderStatus::parse(&o.status)?;
        let next = status.transition(OrderAction::Cancel)?;
        if let Some(rid) = o.request_id {
            db::lock_request(c, rid)?;
        }
        let lines = db::order_lines(c, id)?;
        if lines
            .iter()
            .any(|l| l.arrived > Decimal::ZERO || l.received > Decimal::ZERO)
        {
            return Err(wrong_state(
                "goods of the order have arrived; it cannot be cancelled".into(),
            ));
        }
        if status == OrderStatus::PendingApproval {
            erp_approval::withdraw(c, DOCUMENT_TYPE, id, &user, &meta)?;
        }
        for l in &lines {
            if let Some(rl) = l.request_line_id {
                add_ordered(c, rl, -l.quantity, "lines")?;
            }
        }
        if let Some(rid) = o.request_id {
            sync_request_status(c, rid)?;
        }
        set_order_status(c, id, next)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}
