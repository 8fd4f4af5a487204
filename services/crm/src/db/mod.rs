//! crm's tables, models and queries.

pub mod activities;
pub mod balances;
pub mod customers;
mod fulfilment;
pub mod leads;
pub mod opportunities;
pub mod order_fulfilment;
pub mod outbound;
pub mod payments;
pub mod prices;
pub mod receipts;
pub mod schema;
pub mod shipments;
pub(crate) mod visibility;

use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_problem::AppError;
use rust_decimal::Decimal;
use schema::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use customers::{
    Contact, Customer, CustomerBalance, balance_of, contacts_of, lock_visible_customer, visible_customer,
};
pub use prices::{Price, prices};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = quotations)]
pub struct Quotation {
    pub id: Uuid,
    pub number: String,
    pub revision: i32,
    pub previous_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: String,
    pub valid_until: NaiveDate,
    pub payment_terms: String,
    pub payment_days: i32,
    /// `draft`, `pending_approval`, `approved`, `sent`, `accepted`, `rejected`, `expired`, `cancelled`.
    pub status: String,
    pub notes: Option<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = quotation_lines)]
pub struct QuotationLine {
    pub id: Uuid,
    #[serde(skip)]
    pub quotation_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub discount_pct: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = Option<String>)]
    pub floor_price: Option<Decimal>,
    #[serde(skip)]
    pub unit_cost: Option<Decimal>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = sales_orders)]
pub struct SalesOrder {
    pub id: Uuid,
    pub number: String,
    pub quotation_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: String,
    /// `draft`, `pending_approval`, `approved`, `rejected`, `in_fulfilment`, `completed`, `cancelled`.
    pub status: String,
    pub order_date: NaiveDate,
    pub payment_terms: String,
    pub payment_days: i32,
    /// The seller's details on the contract (name, address, bank, account, tax number, phone).
    #[schema(value_type = Object)]
    pub seller: serde_json::Value,
    /// The buyer's details on the contract.
    #[schema(value_type = Object)]
    pub buyer: serde_json::Value,
    /// Contract terms: quality, delivery place and method, transport, packaging, settlement,
    /// breach liability, dispute resolution, other.
    #[schema(value_type = Object)]
    pub terms: serde_json::Value,
    /// References to attached files (signed scans, drawings).
    pub attachments: Vec<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The total in words: Chinese upper case for CNY, Vietnamese for VND, English otherwise.
    pub total_in_words: String,
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = sales_order_lines)]
pub struct OrderLine {
    pub id: Uuid,
    #[serde(skip)]
    pub order_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub discount_pct: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = Option<String>)]
    pub floor_price: Option<Decimal>,
    #[serde(skip)]
    pub unit_cost: Option<Decimal>,
    pub delivery_date: Option<NaiveDate>,
    /// Asked of the warehouse so far.
    #[schema(value_type = String)]
    pub requested: Decimal,
    /// Left the warehouse.
    #[schema(value_type = String)]
    pub issued: Decimal,
    #[schema(value_type = String)]
    pub shipped: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

pub fn quotation_lines(conn: &mut PgConnection, id: Uuid) -> Result<Vec<QuotationLine>, AppError> {
    Ok(quotation_lines::table
        .filter(quotation_lines::quotation_id.eq(id))
        .order(quotation_lines::line_no)
        .select(QuotationLine::as_select())
        .load(conn)?)
}

pub fn order_lines(conn: &mut PgConnection, id: Uuid) -> Result<Vec<OrderLine>, AppError> {
    Ok(sales_order_lines::table
        .filter(sales_order_lines::order_id.eq(id))
        .order(sales_order_lines::line_no)
        .select(OrderLine::as_select())
        .load(conn)?)
}

/// A sales order the user may see (404 otherwise), locked for the rest of the transaction.
pub fn lock_visible_order(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<SalesOrder, AppError> {
    sales_orders::table
        .find(id)
        .select(SalesOrder::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .filter(|o| scope.sees(o.owner_id, o.department_id))
        .ok_or_else(|| AppError::not_found("sales order"))
}

pub fn visible_order(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<SalesOrder, AppError> {
    sales_orders::table
        .find(id)
        .select(SalesOrder::as_select())
        .first(conn)
        .optional()?
        .filter(|o| scope.sees(o.owner_id, o.department_id))
        .ok_or_else(|| AppError::not_found("sales order"))
}
