//! purchasing's tables, models and queries.

pub mod schema;
pub mod settlement;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_problem::AppError;
use rust_decimal::Decimal;
use schema::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = suppliers)]
pub struct Supplier {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    /// People to talk to: name, title, phone, e-mail.
    #[schema(value_type = Vec<Object>)]
    pub contacts: serde_json::Value,
    pub currency: String,
    pub payment_terms: String,
    pub payment_days: i32,
    /// 1 (poor) to 5 (excellent).
    pub rating: Option<i32>,
    pub active: bool,
    #[serde(skip)]
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = purchase_requests)]
pub struct PurchaseRequest {
    pub id: Uuid,
    pub number: String,
    /// `manual`, `stock_shortage`, `production_shortage`, `technical_spec` or `project`.
    pub source: String,
    #[serde(skip)]
    pub source_key: Option<String>,
    /// What the request came from (the shortage's note and line, the project…).
    #[schema(value_type = Object)]
    pub source_ref: serde_json::Value,
    /// `draft`, `pending_approval`, `approved`, `ordered`, `rejected` or `cancelled`.
    pub status: String,
    pub requested_by: String,
    pub requester_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub approval_request_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = purchase_request_lines)]
pub struct RequestLine {
    pub id: Uuid,
    #[serde(skip)]
    pub request_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    /// Already on purchase orders.
    #[schema(value_type = String)]
    pub ordered: Decimal,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = supplier_quotations)]
pub struct SupplierQuotation {
    pub id: Uuid,
    pub request_id: Uuid,
    pub supplier_id: Uuid,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = supplier_quotation_lines)]
pub struct SupplierQuotationLine {
    pub id: Uuid,
    #[serde(skip)]
    pub quotation_id: Uuid,
    pub request_line_id: Uuid,
    pub item_id: Uuid,
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
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = quotation_selections)]
pub struct QuotationSelection {
    pub request_id: Uuid,
    pub chosen_quotation_id: Uuid,
    /// Why fewer than three quotations were collected; the reviewer sees it.
    pub fewer_quotes_reason: Option<String>,
    pub note: Option<String>,
    /// `pending_review`, `approved` or `rejected`.
    pub status: String,
    pub approval_request_id: Option<Uuid>,
    pub submitted_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = purchase_orders)]
pub struct PurchaseOrder {
    pub id: Uuid,
    pub number: String,
    pub supplier_id: Uuid,
    pub request_id: Option<Uuid>,
    pub quotation_id: Option<Uuid>,
    pub currency: String,
    /// `draft`, `pending_approval`, `approved`, `rejected`, `sent`, `partially_received`,
    /// `received`, `closed` or `cancelled`.
    pub status: String,
    pub order_date: NaiveDate,
    pub expected_arrival: Option<NaiveDate>,
    pub payment_terms: String,
    pub payment_days: i32,
    /// Where the goods are to arrive (the default warehouse when absent).
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    /// The purchaser responsible.
    pub buyer_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// When the arrival reminder went out.
    pub reminded_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = purchase_order_lines)]
pub struct OrderLine {
    pub id: Uuid,
    #[serde(skip)]
    pub order_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub request_line_id: Option<Uuid>,
    pub description: String,
    pub unit: String,
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
    #[schema(value_type = String)]
    pub total: Decimal,
    pub expected_arrival: Option<NaiveDate>,
    /// Announced to the warehouse on arrival requests.
    #[schema(value_type = String)]
    pub arrived: Decimal,
    /// Confirmed by the warehouse keeper.
    #[schema(value_type = String)]
    pub received: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

pub fn find_supplier(conn: &mut PgConnection, id: Uuid) -> Result<Option<Supplier>, AppError> {
    Ok(suppliers::table
        .find(id)
        .select(Supplier::as_select())
        .first(conn)
        .optional()?)
}

pub fn request_lines(conn: &mut PgConnection, id: Uuid) -> Result<Vec<RequestLine>, AppError> {
    Ok(purchase_request_lines::table
        .filter(purchase_request_lines::request_id.eq(id))
        .order(purchase_request_lines::line_no)
        .select(RequestLine::as_select())
        .load(conn)?)
}

pub fn lock_request(conn: &mut PgConnection, id: Uuid) -> Result<PurchaseRequest, AppError> {
    purchase_requests::table
        .find(id)
        .select(PurchaseRequest::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("purchase request"))
}

pub fn order_lines(conn: &mut PgConnection, id: Uuid) -> Result<Vec<OrderLine>, AppError> {
    Ok(purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq(id))
        .order(purchase_order_lines::line_no)
        .select(OrderLine::as_select())
        .load(conn)?)
}

pub fn find_order(conn: &mut PgConnection, id: Uuid) -> Result<PurchaseOrder, AppError> {
    purchase_orders::table
        .find(id)
        .select(PurchaseOrder::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("purchase order"))
}

pub fn lock_order(conn: &mut PgConnection, id: Uuid) -> Result<PurchaseOrder, AppError> {
    purchase_orders::table
        .find(id)
        .select(PurchaseOrder::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("purchase order"))
}

/// Moves an order to `status` (the caller checked the move with `OrderStatus::transition`).
pub fn set_order_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: crate::domain::status::OrderStatus,
) -> Result<(), AppError> {
    diesel::update(purchase_orders::table.find(id))
        .set((
            purchase_orders::status.eq(status.as_str()),
            purchase_orders::version.eq(purchase_orders::version + 1),
            purchase_orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}
