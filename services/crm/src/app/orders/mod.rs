//! Sales orders (contracts): from an accepted quotation or direct; every contract field of
//! DOMAIN.md §1, the total in words, the seed-002 contract review (A–I); `draft →
//! pending_approval → approved → in_fulfilment → completed`, `cancelled`. Submitting checks
//! credit (open receivables from finance plus this order against the customer's limit) and
//! evaluates the authority matrix; approval publishes `crm.order.approved`.

mod approval;
mod contract;

pub use approval::{approved_event, decide, submit};
pub use contract::{ContractTerms, Party, ReviewEntry, ReviewInput};
pub(crate) use contract::{check_review, words};

use super::lines::{self, LineRequest};
use super::quotations;
use crate::db::reviews::{self, ReviewRow};
use crate::db::sales_orders::{self as rows, NewOrder, OrderChange, OrderFilter, OrderLineRow, SalesOrderRow};
use crate::db::{self, Customer};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{OrderAction, OrderStatus, QuotationStatus};
use crate::domain::pricing::{NewLine, Priced};
use crate::domain::visibility::{Scope, scope};
use chrono::{Datelike, NaiveDate};
use contract::{buyer_of, check_party};
use diesel::PgConnection;
use erp_approval::withdraw_pending;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

/// The approval document type of sales orders.
pub const DOCUMENT_TYPE: &str = "sales_order";

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

/// An order with its lines and contract review.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub order: SalesOrderRow,
    pub lines: Vec<OrderLineRow>,
    pub review: Vec<ReviewRow>,
}

pub(crate) fn view(c: &mut PgConnection, id: Uuid) -> Result<OrderView, AppError> {
    let order = rows::visible(c, Scope::All, id)?;
    Ok(OrderView {
        lines: rows::lines(c, id)?,
        review: reviews::of_order(c, id)?,
        order,
    })
}

pub fn list(c: &mut PgConnection, filter: &OrderFilter, paging: &Paging) -> Result<Page<SalesOrderRow>, AppError> {
    let rows = rows::list(c, filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<OrderView, AppError> {
    rows::visible(c, scope(actor), id)?;
    view(c, id)
}

/// The header of a new order.
struct Header<'a> {
    customer: &'a Customer,
    currency: &'a str,
    order_date: NaiveDate,
    payment_terms: &'a str,
    payment_days: i32,
    seller: &'a Party,
    buyer: Party,
    terms: &'a ContractTerms,
    attachments: &'a [String],
    quotation_id: Option<Uuid>,
}

fn insert_order(
    c: &mut PgConnection,
    h: &Header,
    lines: &[NewLine],
    priced: &Priced,
    actor: &str,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, "SO", erp_calendar::today().year())?;
    rows::insert(
        c,
        &NewOrder {
            id,
            number: &number,
            quotation_id: h.quotation_id,
            customer_id: h.customer.id,
            owner_id: h.customer.owner_id,
            department_id: h.customer.department_id,
            currency: h.currency,
            status: OrderStatus::Draft,
            order_date: h.order_date,
            payment_terms: h.payment_terms,
            payment_days: h.payment_days,
            seller: json!(h.seller),
            buyer: json!(h.buyer),
            terms: json!(h.terms),
            attachments: h.attachments,
            net: priced.totals.net,
            tax: priced.totals.tax,
            total: priced.totals.total,
            total_in_words: &words(priced.totals.total, h.currency)?,
            margin_pct: priced.margin_pct,
            below_floor: priced.below_floor,
            created_by: actor,
        },
    )?;
    rows::replace_lines(c, id, lines)?;
    Ok(id)
}

fn check_parties(seller: &Party, buyer: Option<&Party>, version: Option<Option<i64>>) -> Result<(), AppError> {
    let mut v = Validator::new();
    check_party(&mut v, "seller", seller);
    if let Some(b) = buyer {
        check_party(&mut v, "buyer", b);
    }
    if let Some(version) = version {
        v.check(version.is_some(), "version", "is required to change an order");
    }
    v.finish()
}

/// A direct order (no quotation).
pub fn create(c: &mut PgConnection, actor: &CurrentUser, input: &OrderInput) -> Result<OrderView, AppError> {
    check_parties(&input.seller, input.buyer.as_ref(), None)?;
    let customer = db::visible_customer(c, scope(actor), input.customer_id)?;
    if !customer.active {
        return Err(AppError::validation("customer_id", "the customer is not active"));
    }
    let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&customer.currency))?;
    let (lines, priced) = lines::build(c, currency, &input.lines)?;
    let header = Header {
        currency: currency.code(),
        order_date: input.order_date.unwrap_or_else(erp_calendar::today),
        payment_terms: input
            .payment_terms
            .map_or(customer.payment_terms.as_str(), |t| t.as_str()),
        payment_days: input.payment_days.unwrap_or(customer.payment_days),
        seller: &input.seller,
        buyer: input.buyer.clone().unwrap_or_else(|| buyer_of(&customer)),
        terms: &input.terms,
        attachments: &input.attachments,
        quotation_id: None,
        customer: &customer,
    };
    let id = insert_order(c, &header, &lines, &priced, &actor.actor())?;
    view(c, id)
}

/// An order from an accepted quotation: its lines and prices, with the contract's details.
pub fn from_quotation(
    c: &mut PgConnection,
    actor: &CurrentUser,
    quotation_id: Uuid,
    input: &FromQuotation,
) -> Result<OrderView, AppError> {
    check_parties(&input.seller, None, None)?;
    let q = quotations::lock_visible(c, scope(actor), quotation_id)?;
    if q.status != QuotationStatus::Accepted {
        return Err(AppError::wrong_state(format!(
            "only an accepted quotation becomes an order; this one is {}",
            q.status
        )));
    }
    if rows::live_orders_of_quotation(c, quotation_id)? > 0 {
        return Err(AppError::conflict("this quotation already has an order"));
    }
    let customer = db::visible_customer(c, Scope::All, q.customer_id)?;
    let requests: Vec<LineRequest> = crate::db::quotations::lines(c, quotation_id)?
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
    let (lines, priced) = lines::build(c, currency, &requests)?;
    let header = Header {
        currency: &q.currency,
        order_date: erp_calendar::today(),
        payment_terms: &q.payment_terms,
        payment_days: q.payment_days,
        seller: &input.seller,
        buyer: input.buyer.clone().unwrap_or_else(|| buyer_of(&customer)),
        terms: &input.terms,
        attachments: &input.attachments,
        quotation_id: Some(quotation_id),
        customer: &customer,
    };
    let id = insert_order(c, &header, &lines, &priced, &actor.actor())?;
    erp_bus::flow::inherit(c, (DOCUMENT_TYPE, id), (quotations::DOCUMENT_TYPE, quotation_id))?;
    view(c, id)
}

/// Changes a draft (or a rejected order, which goes back to draft).
pub fn update(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, input: &OrderInput) -> Result<OrderView, AppError> {
    check_parties(&input.seller, None, Some(input.version))?;
    let o = rows::lock_visible(c, scope(actor), id)?;
    let next = o.status.transition(OrderAction::Edit)?;
    if Some(o.version) != input.version {
        return Err(AppError::stale_version("the order"));
    }
    if input.customer_id != o.customer_id {
        return Err(AppError::validation("customer_id", "cannot change; make a new order"));
    }
    let customer = db::visible_customer(c, Scope::All, o.customer_id)?;
    let currency = lines::parse_currency(input.currency.as_deref().unwrap_or(&o.currency))?;
    let (lines, priced) = lines::build(c, currency, &input.lines)?;
    rows::update(
        c,
        id,
        &OrderChange {
            status: next,
            currency: currency.code(),
            order_date: input.order_date.unwrap_or(o.order_date),
            payment_terms: input.payment_terms.map_or(o.payment_terms.as_str(), |t| t.as_str()),
            payment_days: input.payment_days.unwrap_or(o.payment_days),
            seller: json!(input.seller),
            buyer: json!(input.buyer.clone().unwrap_or_else(|| buyer_of(&customer))),
            terms: json!(input.terms),
            attachments: &input.attachments,
            net: priced.totals.net,
            tax: priced.totals.tax,
            total: priced.totals.total,
            total_in_words: &words(priced.totals.total, currency.code())?,
            margin_pct: priced.margin_pct,
            below_floor: priced.below_floor,
        },
    )?;
    rows::replace_lines(c, id, &lines)?;
    view(c, id)
}

/// Cancels an order no goods were requested for; a pending approval is withdrawn with it.
pub fn cancel(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<OrderView, AppError> {
    let o = rows::lock_visible(c, scope(actor), id)?;
    rows::set_status(c, id, o.status.transition(OrderAction::Cancel)?)?;
    if o.status == OrderStatus::PendingApproval {
        withdraw_pending::<approval::OrderDocument>(c, id, actor, meta)?;
    }
    view(c, id)
}

/// Records the contract review (seed 002 checklist A–I): each item's result and note.
pub fn review(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, input: &ReviewInput) -> Result<OrderView, AppError> {
    check_review(&input.items)?;
    rows::lock_visible(c, scope(actor), id)?;
    let by = actor.actor();
    for e in &input.items {
        reviews::upsert(c, id, &e.item, &e.result, e.note.as_deref(), &by)?;
    }
    view(c, id)
}
