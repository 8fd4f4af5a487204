//! Sales orders (contracts): from an accepted quotation or direct; every contract field of
//! DOMAIN.md §1, the total in words, the seed-002 contract review (A–I); `draft →
//! pending_approval → approved → in_fulfilment → completed`, `cancelled`. Submitting checks
//! credit (open receivables from finance plus this order against the customer's limit) and
//! evaluates the authority matrix; approval publishes `crm.order.approved`.

use super::SELLERS;
use super::lines::{self, LineRequest, LineRow};
use crate::db::visibility::scoped;
use crate::db::{
    self, Customer, OrderLine, SalesOrder, schema::contract_reviews, schema::quotations, schema::sales_order_lines,
    schema::sales_orders,
};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{OrderAction, OrderStatus, QuotationStatus};
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_contracts::crm::{OrderApproved, OrderApprovedLine};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const DOCUMENT_TYPE: &str = "sales_order";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_orders)
        .service(get_order)
        .service(create_order)
        .service(order_from_quotation)
        .service(update_order)
        .service(submit_order)
        .service(approve_order)
        .service(reject_order)
        .service(cancel_order)
        .service(review_order);
}

/// One party of the contract.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct Party {
    pub name: String,
    pub address: Option<String>,
    pub bank: Option<String>,
    pub account: Option<String>,
    pub tax_number: Option<String>,
    pub phone: Option<String>,
    pub representative: Option<String>,
}

/// The contract's terms (seed 003 §5).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ContractTerms {
    pub quality: Option<String>,
    pub delivery_place: Option<String>,
    pub delivery_method: Option<String>,
    /// Who transports and who pays for it.
    pub transport: Option<String>,
    pub packaging: Option<String>,
    /// Settlement method and period.
    pub settlement: Option<String>,
    pub breach_liability: Option<String>,
    pub dispute_resolution: Option<String>,
    pub other: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderInput {
    pub customer_id: Uuid,
    pub currency: Option<String>,
    /// Today when absent.
    pub order_date: Option<NaiveDate>,
    pub payment_terms: Option<PaymentTerms>,
    pub payment_days: Option<i32>,
    /// Our company's details; required.
    pub seller: Party,
    /// The customer's details as on its record when absent.
    pub buyer: Option<Party>,
    #[serde(default)]
    pub terms: ContractTerms,
    #[serde(default)]
    pub attachments: Vec<String>,
    pub lines: Vec<LineRequest>,
    /// Required on update.
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FromQuotation {
    pub seller: Party,
    pub buyer: Option<Party>,
    #[serde(default)]
    pub terms: ContractTerms,
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Delivery dates per quotation line number (1-based).
    #[serde(default)]
    pub delivery_dates: Vec<LineDelivery>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LineDelivery {
    pub line_no: i32,
    pub delivery_date: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = contract_reviews)]
pub struct ReviewItem {
    /// A to I (seed 002 checklist).
    pub item: String,
    /// `pass`, `fail` or `not_applicable`.
    pub result: String,
    pub note: Option<String>,
    pub reviewed_by: String,
    pub reviewed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: SalesOrder,
    pub lines: Vec<OrderLine>,
    pub review: Vec<ReviewItem>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewInput {
    pub items: Vec<ReviewEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewEntry {
    pub item: String,
    pub result: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Comment {
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<SalesOrder>,
    pub next_cursor: Option<Uuid>,
}

pub fn detail(c: &mut PgConnection, id: Uuid) -> Result<OrderDetail, AppError> {
    let order = sales_orders::table.find(id).select(SalesOrder::as_select()).first(c)?;
    Ok(OrderDetail {
        lines: db::order_lines(c, id)?,
        review: contract_reviews::table
            .filter(contract_reviews::order_id.eq(id))
            .order(contract_reviews::item)
            .select(ReviewItem::as_select())
            .load(c)?,
        order,
    })
}

fn buyer_of(customer: &Customer) -> Party {
    Party {
        name: customer.name.clone(),
        address: customer.address.clone(),
        bank: customer.bank_name.clone(),
        account: customer.bank_account.clone(),
        tax_number: customer.tax_number.clone(),
        phone: customer.phone.clone(),
        representative: None,
    }
}

fn check_party(v: &mut Validator, field: &str, p: &Party) {
    v.text(&format!("{field}.name"), &p.name, 300);
}

pub(crate) fn words(total: Decimal, currency: &str) -> Result<String, AppError> {
    let c = lines::parse_currency(currency)?;
    erp_money::to_words(total, c)
        .map_err(|e| AppError::validation("lines", format!("the total cannot be written in words: {e}")))
}

/// Replaces the order's lines; one multi-row INSERT per 1,000 lines (a 1,000-line order is one
/// round trip, not a thousand, and stays under PostgreSQL's bind-parameter limit).
fn insert_lines(c: &mut PgConnection, order_id: Uuid, rows: &[LineRow]) -> Result<(), AppError> {
    diesel::delete(sales_order_lines::table.filter(sales_order_lines::order_id.eq(order_id))).execute(c)?;
    let numbered: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| line_values(order_id, i32::try_from(i + 1).unwrap_or(i32::MAX), r))
        .collect();
    for chunk in numbered.chunks(1000) {
        diesel::insert_into(sales_order_lines::table).values(chunk).execute(c)?;
    }
    Ok(())
}

pub(crate) fn insert_line(c: &mut PgConnection, order_id: Uuid, line_no: i32, r: &LineRow) -> Result<(), AppError> {
    diesel::insert_into(sales_order_lines::table)
        .values(line_values(order_id, line_no, r))
        .execute(c)?;
    Ok(())
}

/// The column values of one order line.
#[allow(clippy::type_complexity)]
fn line_values(
    order_id: Uuid,
    line_no: i32,
    r: &LineRow,
) -> (
    diesel::dsl::Eq<sales_order_lines::id, Uuid>,
    diesel::dsl::Eq<sales_order_lines::order_id, Uuid>,
    diesel::dsl::Eq<sales_order_lines::line_no, i32>,
    diesel::dsl::Eq<sales_order_lines::item_id, Uuid>,
    diesel::dsl::Eq<sales_order_lines::description, String>,
    diesel::dsl::Eq<sales_order_lines::quantity, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::unit, String>,
    diesel::dsl::Eq<sales_order_lines::unit_price, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::discount_pct, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::tax_rate, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::net, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::tax, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::total, rust_decimal::Decimal>,
    diesel::dsl::Eq<sales_order_lines::floor_price, Option<rust_decimal::Decimal>>,
    diesel::dsl::Eq<sales_order_lines::unit_cost, Option<rust_decimal::Decimal>>,
    diesel::dsl::Eq<sales_order_lines::delivery_date, Option<NaiveDate>>,
) {
    (
        sales_order_lines::id.eq(Uuid::now_v7()),
        sales_order_lines::order_id.eq(order_id),
        sales_order_lines::line_no.eq(line_no),
        sales_order_lines::item_id.eq(r.item_id),
        sales_order_lines::description.eq(r.description.clone()),
        sales_order_lines::quantity.eq(r.input.quantity),
        sales_order_lines::unit.eq(r.unit.clone()),
        sales_order_lines::unit_price.eq(r.input.unit_price),
        sales_order_lines::discount_pct.eq(r.input.discount_pct),
        sales_order_lines::tax_rate.eq(r.input.tax_rate_pct),
        sales_order_lines::net.eq(r.net),
        sales_order_lines::tax.eq(r.tax),
        sales_order_lines::total.eq(r.total),
        sales_order_lines::floor_price.eq(r.floor_price),
        sales_order_lines::unit_cost.eq(r.unit_cost),
        sales_order_lines::delivery_date.eq(r.delivery_date),
    )
}

/// Checks review entries: items A–I, results pass / fail / not_applicable.
pub(crate) fn check_review(v: &mut Validator, items: &[ReviewEntry]) {
    v.check(!items.is_empty(), "items", "must review at least one item");
    for (i, e) in items.iter().enumerate() {
        v.check(
            ["A", "B", "C", "D", "E", "F", "G", "H", "I"].contains(&e.item.as_str()),
            &format!("items[{i}].item"),
            "must be one of A to I",
        );
        v.check(
            ["pass", "fail", "not_applicable"].contains(&e.result.as_str()),
            &format!("items[{i}].result"),
            "must be pass, fail or not_applicable",
        );
        v.optional_text(&format!("items[{i}].note"), e.note.as_deref(), 2000);
    }
}

#[utoipa::path(
    tag = "orders",
    params(OrderQuery),
    responses(
        (status = 200, body = OrderPage),
    )
)]
#[get("/api/v1/orders")]
async fn list_orders(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<OrderQuery>,
) -> Result<web::Json<OrderPage>, AppError> {
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "orders are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    if let Some(s) = &q.status {
        OrderStatus::parse(s).map_err(|_| AppError::validation("status", "is not an order status"))?;
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = sales_orders::table
            .select(SalesOrder::as_select())
            .order(sales_orders::id)
            .limit(limit + 1)
            .into_boxed();
        sql = scoped!(
            sql,
            scope,
            sales_orders::owner_id,
            sales_orders::department_id,
            sales_orders::id
        );
        if let Some(s) = q.status {
            sql = sql.filter(sales_orders::status.eq(s));
        }
        if let Some(cu) = q.customer_id {
            sql = sql.filter(sales_orders::customer_id.eq(cu));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(sales_orders::id.gt(after));
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
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderDetail),
    )
)]
#[get("/api/v1/orders/{id}")]
async fn get_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| {
        db::visible_order(c, scope, id)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

struct Header {
    customer: Customer,
    currency: String,
    order_date: NaiveDate,
    payment_terms: String,
    payment_days: i32,
    seller: Party,
    buyer: Party,
    terms: ContractTerms,
    attachments: Vec<String>,
    quotation_id: Option<Uuid>,
}

fn insert_order(
    c: &mut PgConnection,
    h: &Header,
    rows: &[LineRow],
    priced: &crate::domain::pricing::Priced,
    actor: &str,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, "SO", erp_calendar::today().year())?;
    diesel::insert_into(sales_orders::table)
        .values((
            sales_orders::id.eq(id),
            sales_orders::number.eq(&number),
            sales_orders::quotation_id.eq(h.quotation_id),
            sales_orders::customer_id.eq(h.customer.id),
            sales_orders::owner_id.eq(h.customer.owner_id),
            sales_orders::department_id.eq(h.customer.department_id),
            sales_orders::currency.eq(&h.currency),
            sales_orders::status.eq(OrderStatus::Draft.as_str()),
            sales_orders::order_date.eq(h.order_date),
            sales_orders::payment_terms.eq(&h.payment_terms),
            sales_orders::payment_days.eq(h.payment_days),
            sales_orders::seller.eq(json!(h.seller)),
            sales_orders::buyer.eq(json!(h.buyer)),
            sales_orders::terms.eq(json!(h.terms)),
            sales_orders::attachments.eq(&h.attachments),
            sales_orders::net.eq(priced.totals.net),
            sales_orders::tax.eq(priced.totals.tax),
            sales_orders::total.eq(priced.totals.total),
            sales_orders::total_in_words.eq(words(priced.totals.total, &h.currency)?),
            sales_orders::margin_pct.eq(priced.margin_pct),
            sales_orders::below_floor.eq(priced.below_floor),
            sales_orders::created_by.eq(actor),
        ))
        .execute(c)?;
    insert_lines(c, id, rows)?;
    Ok(id)
}

/// A direct order (no quotation).
#[utoipa::path(
    tag = "orders",
    request_body = OrderInput,
    responses(
        (status = 201, body = OrderDetail),
    )
)]
#[post("/api/v1/orders")]
async fn create_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<OrderInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let input = body.into_inner();
    let mut v = Validator::new();
    check_party(&mut v, "seller", &input.seller);
    if let Some(b) = &input.buyer {
        check_party(&mut v, "buyer", b);
    }
    v.finish()?;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let customer = db::visible_customer(c, scope, input.customer_id)?;
        if !customer.active {
            return Err(AppError::validation("customer_id", "the customer is not active"));
        }
        let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&customer.currency))?;
        let (rows, priced) = lines::build(c, currency, &input.lines)?;
        let header = Header {
            currency: currency.code().to_owned(),
            order_date: input.order_date.unwrap_or_else(erp_calendar::today),
            payment_terms: input
                .payment_terms
                .map(|t| t.as_str().to_owned())
                .unwrap_or(customer.payment_terms.clone()),
            payment_days: input.payment_days.unwrap_or(customer.payment_days),
            seller: input.seller.clone(),
            buyer: input.buyer.clone().unwrap_or_else(|| buyer_of(&customer)),
            terms: input.terms.clone(),
            attachments: input.attachments.clone(),
            quotation_id: None,
            customer,
        };
        let id = insert_order(c, &header, &rows, &priced, &actor)?;
        detail(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/orders/{}", d.order.id)))
        .json(d))
}

/// An order from an accepted quotation: its lines and prices, with the contract's details.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "quotation id")),
    request_body = FromQuotation,
    responses(
        (status = 201, body = OrderDetail),
        (status = 409, description = "the quotation is not accepted, or already ordered", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotations/{id}/order")]
async fn order_from_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<FromQuotation>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let qid = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_party(&mut v, "seller", &input.seller);
    v.finish()?;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let q: db::Quotation = quotations::table
            .find(qid)
            .select(db::Quotation::as_select())
            .for_update()
            .first(c)
            .optional()?
            .filter(|q| scope.sees(q.owner_id, q.department_id))
            .ok_or_else(|| AppError::not_found("quotation"))?;
        if QuotationStatus::parse(&q.status)? != QuotationStatus::Accepted {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("only an accepted quotation becomes an order; this one is {}", q.status),
            });
        }
        let already: i64 = sales_orders::table
            .filter(sales_orders::quotation_id.eq(qid))
            .filter(sales_orders::status.ne(OrderStatus::Cancelled.as_str()))
            .count()
            .get_result(c)?;
        if already > 0 {
            return Err(AppError::conflict("this quotation already has an order"));
        }
        let customer = db::visible_customer(c, Scope::All, q.customer_id)?;
        let requests: Vec<LineRequest> = db::quotation_lines(c, qid)?
            .into_iter()
            .map(|l| LineRequest {
                item_id: l.item_id,
                description: Some(l.description),
                quantity: l.quantity,
                unit_price: Some(l.unit_price),
                discount_pct: l.discount_pct,
                tax_rate_pct: l.tax_rate,
                delivery_date: input
                    .delivery_dates
                    .iter()
                    .find(|d| d.line_no == l.line_no)
                    .map(|d| d.delivery_date),
            })
            .collect();
        let currency = lines::parse_currency(&q.currency)?;
        let (rows, priced) = lines::build(c, currency, &requests)?;
        let header = Header {
            currency: q.currency.clone(),
            order_date: erp_calendar::today(),
            payment_terms: q.payment_terms.clone(),
            payment_days: q.payment_days,
            seller: input.seller.clone(),
            buyer: input.buyer.clone().unwrap_or_else(|| buyer_of(&customer)),
            terms: input.terms.clone(),
            attachments: input.attachments.clone(),
            quotation_id: Some(qid),
            customer,
        };
        let id = insert_order(c, &header, &rows, &priced, &actor)?;
        detail(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/orders/{}", d.order.id)))
        .json(d))
}

/// Changes a draft (or a rejected order, which goes back to draft).
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = OrderInput,
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/orders/{id}")]
async fn update_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<OrderInput>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_party(&mut v, "seller", &input.seller);
    v.check(input.version.is_some(), "version", "is required to change an order");
    v.finish()?;
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let next = OrderStatus::parse(&o.status)?.transition(OrderAction::Edit)?;
        if Some(o.version) != input.version {
            return Err(AppError::stale_version("the order"));
        }
        if input.customer_id != o.customer_id {
            return Err(AppError::validation("customer_id", "cannot change; make a new order"));
        }
        let customer = db::visible_customer(c, Scope::All, o.customer_id)?;
        let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&o.currency))?;
        let (rows, priced) = lines::build(c, currency, &input.lines)?;
        diesel::update(sales_orders::table.find(id))
            .set((
                sales_orders::status.eq(next.as_str()),
                sales_orders::currency.eq(currency.code()),
                sales_orders::order_date.eq(input.order_date.unwrap_or(o.order_date)),
                sales_orders::payment_terms.eq(input
                    .payment_terms
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or(o.payment_terms.clone())),
                sales_orders::payment_days.eq(input.payment_days.unwrap_or(o.payment_days)),
                sales_orders::seller.eq(json!(input.seller)),
                sales_orders::buyer.eq(json!(input.buyer.clone().unwrap_or_else(|| buyer_of(&customer)))),
                sales_orders::terms.eq(json!(input.terms)),
                sales_orders::attachments.eq(&input.attachments),
                sales_orders::net.eq(priced.totals.net),
                sales_orders::tax.eq(priced.totals.tax),
                sales_orders::total.eq(priced.totals.total),
                sales_orders::total_in_words.eq(words(priced.totals.total, currency.code())?),
                sales_orders::margin_pct.eq(priced.margin_pct),
                sales_orders::below_floor.eq(priced.below_floor),
                sales_orders::version.eq(sales_orders::version + 1),
                sales_orders::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        insert_lines(c, id, &rows)?;
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

pub fn set_status(c: &mut PgConnection, id: Uuid, status: OrderStatus) -> Result<(), AppError> {
    diesel::update(sales_orders::table.find(id))
        .set((
            sales_orders::status.eq(status.as_str()),
            sales_orders::version.eq(sales_orders::version + 1),
            sales_orders::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Open receivables after this order, against the limit; a limit of zero means no credit.
fn over_credit_limit(c: &mut PgConnection, customer: &Customer, order: &SalesOrder) -> Result<bool, AppError> {
    let open = db::balance_of(c, customer.id)?
        .filter(|b| b.currency == order.currency)
        .map(|b| b.open_amount)
        .unwrap_or(Decimal::ZERO);
    // Other approved orders on credit count too: the goods are promised.
    let committed: Option<Decimal> = sales_orders::table
        .filter(sales_orders::customer_id.eq(customer.id))
        .filter(sales_orders::currency.eq(&order.currency))
        .filter(sales_orders::id.ne(order.id))
        .filter(sales_orders::status.eq_any([OrderStatus::Approved.as_str(), OrderStatus::InFulfilment.as_str()]))
        .filter(sales_orders::payment_terms.eq_any(["net_days", "monthly_settlement"]))
        .select(diesel::dsl::sum(sales_orders::total))
        .first(c)?;
    let credit = PaymentTerms::parse(&order.payment_terms).is_some_and(PaymentTerms::is_credit);
    // A prepaid order adds nothing to what the customer owes.
    let this = if credit { order.total } else { Decimal::ZERO };
    let exposure = open + committed.unwrap_or(Decimal::ZERO) + this;
    Ok(customer.currency == order.currency && exposure > Decimal::ZERO && exposure > customer.credit_limit)
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/submit")]
async fn submit_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let next = OrderStatus::parse(&o.status)?.transition(OrderAction::Submit)?;
        let customer = db::visible_customer(c, Scope::All, o.customer_id)?;
        let mut facts = erp_approval::Facts::new(DOCUMENT_TYPE, o.id, &o.number, user.id, &o.currency, o.total);
        facts.submitter_department = o.department_id;
        facts.below_floor = o.below_floor;
        facts.margin_pct = o.margin_pct;
        facts.credit_terms = PaymentTerms::parse(&o.payment_terms).is_some_and(PaymentTerms::is_credit);
        facts.over_credit_limit = over_credit_limit(c, &customer, &o)?;
        let submission = erp_approval::submit(c, &facts, &meta)?;
        diesel::update(sales_orders::table.find(id))
            .set(sales_orders::approval_request_id.eq(submission.request.id))
            .execute(c)?;
        if submission.auto_approved {
            approve(c, &o, next, &meta)?;
        } else {
            set_status(c, id, next)?;
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Marks the order approved and publishes `crm.order.approved` (finance builds the receivable
/// schedule from it).
fn approve(c: &mut PgConnection, o: &SalesOrder, from: OrderStatus, meta: &erp_bus::EventMeta) -> Result<(), AppError> {
    set_status(c, o.id, from.transition(OrderAction::Approve)?)?;
    let event = approved_event(c, o)?;
    erp_bus::enqueue(c, meta, &event)?;
    Ok(())
}

/// The order as `crm.order.approved` (and `crm.order.changed`) carry it.
pub(crate) fn approved_event(c: &mut PgConnection, o: &SalesOrder) -> Result<OrderApproved, AppError> {
    let lines = db::order_lines(c, o.id)?;
    Ok(OrderApproved {
        order_id: o.id,
        order_number: o.number.clone(),
        customer_id: o.customer_id,
        customer_name: o.buyer.get("name").and_then(|n| n.as_str()).map(str::to_owned),
        owner_id: o.owner_id,
        currency: o.currency.clone(),
        net: o.net,
        tax: o.tax,
        total: o.total,
        payment_terms: o.payment_terms.clone(),
        payment_days: o.payment_days,
        order_date: o.order_date,
        lines: lines
            .iter()
            .map(|l| OrderApprovedLine {
                line_id: l.id,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_price: l.unit_price,
                net: l.net,
                tax: l.tax,
                delivery_date: l.delivery_date,
            })
            .collect(),
    })
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
        let o = db::lock_visible_order(c, Scope::All, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if status != OrderStatus::PendingApproval {
            return Err(AppError::Conflict {
                slug: "wrong-state",
                detail: format!("the order is {}, not waiting for approval", status.as_str()),
            });
        }
        match erp_approval::decide(c, (DOCUMENT_TYPE, id), &user, approve_it, comment.as_deref(), &meta)?.verdict() {
            erp_approval::Verdict::Pending => {}
            erp_approval::Verdict::Approved => approve(c, &o, status, &meta)?,
            erp_approval::Verdict::Rejected => set_status(c, id, status.transition(OrderAction::Reject)?)?,
        }
        detail(c, id)
    })
    .await
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = Comment,
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/approve")]
async fn approve_order(
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
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = Comment,
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/reject")]
async fn reject_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<OrderDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}

#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 409, description = "goods already requested", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/orders/{id}/cancel")]
async fn cancel_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_visible_order(c, scope, id)?;
        let status = OrderStatus::parse(&o.status)?;
        set_status(c, id, status.transition(OrderAction::Cancel)?)?;
        if status == OrderStatus::PendingApproval {
            erp_approval::withdraw(c, DOCUMENT_TYPE, id, &user, &meta)?;
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}

/// Records the contract review (seed 002 checklist A–I): each item's result and note.
#[utoipa::path(
    tag = "orders",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = ReviewInput,
    responses(
        (status = 200, body = OrderDetail),
    )
)]
#[put("/api/v1/orders/{id}/review")]
async fn review_order(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReviewInput>,
) -> Result<web::Json<OrderDetail>, AppError> {
    user.require_any(&SELLERS)?;
    let scope = scope(&user);
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    check_review(&mut v, &input.items);
    v.finish()?;
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        db::lock_visible_order(c, scope, id)?;
        for e in &input.items {
            diesel::insert_into(contract_reviews::table)
                .values((
                    contract_reviews::order_id.eq(id),
                    contract_reviews::item.eq(&e.item),
                    contract_reviews::result.eq(&e.result),
                    contract_reviews::note.eq(&e.note),
                    contract_reviews::reviewed_by.eq(&actor),
                ))
                .on_conflict((contract_reviews::order_id, contract_reviews::item))
                .do_update()
                .set((
                    contract_reviews::result.eq(&e.result),
                    contract_reviews::note.eq(&e.note),
                    contract_reviews::reviewed_by.eq(&actor),
                    contract_reviews::reviewed_at.eq(Utc::now()),
                ))
                .execute(c)?;
        }
        detail(c, id)
    })
    .await?;
    Ok(web::Json(d))
}
