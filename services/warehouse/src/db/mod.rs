//! warehouse's tables, models and queries. Functions take a connection, usually inside the
//! caller's transaction.

pub mod notes;
pub mod schema;
pub mod stock;

use chrono::{DateTime, Utc};
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
#[diesel(table_name = items)]
pub struct Item {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub specification: Option<String>,
    pub unit: String,
    /// `product`, `material` or `part`.
    pub kind: String,
    pub category: Option<String>,
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    #[schema(value_type = String)]
    pub standard_cost: Decimal,
    pub active: bool,
    #[serde(skip)]
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = warehouses)]
pub struct Warehouse {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    /// Notes from other services that name no warehouse go here.
    pub is_default: bool,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = stock_movements)]
pub struct Movement {
    pub id: Uuid,
    pub seq: i64,
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    /// Signed: positive in, negative out.
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub kind: String,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub source_line_id: Option<Uuid>,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    #[schema(value_type = String)]
    pub on_hand_after: Decimal,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = outbound_notes)]
pub struct OutboundNote {
    pub id: Uuid,
    pub number: String,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub warehouse_id: Uuid,
    /// `open`, `partially_issued`, `issued` or `cancelled`.
    pub status: String,
    /// Customer or other receiving party.
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = outbound_note_lines)]
pub struct OutboundLine {
    pub id: Uuid,
    #[serde(skip)]
    pub note_id: Uuid,
    pub line_no: i32,
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub requested: Decimal,
    #[schema(value_type = String)]
    pub issued: Decimal,
    #[schema(value_type = String)]
    pub cancelled: Decimal,
}

impl OutboundLine {
    /// What is still to issue.
    pub fn open_quantity(&self) -> Decimal {
        self.requested - self.issued - self.cancelled
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = inbound_notes)]
pub struct InboundNote {
    pub id: Uuid,
    pub number: String,
    /// `purchase`, `production` or `return`.
    pub kind: String,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub warehouse_id: Uuid,
    /// `open`, `received` or `cancelled`.
    pub status: String,
    /// Supplier or returning customer.
    pub party: Option<String>,
    pub note: Option<String>,
    pub requested_by: String,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = inbound_note_lines)]
pub struct InboundLine {
    pub id: Uuid,
    #[serde(skip)]
    pub note_id: Uuid,
    pub line_no: i32,
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub expected: Decimal,
    #[schema(value_type = Option<String>)]
    pub received: Option<Decimal>,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    pub discrepancy: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = stock_counts)]
pub struct StockCount {
    pub id: Uuid,
    pub number: String,
    pub warehouse_id: Uuid,
    /// `draft`, `submitted`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    pub note: Option<String>,
    pub created_by: String,
    pub submitted_by: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = stock_count_lines)]
pub struct CountLine {
    pub id: Uuid,
    #[serde(skip)]
    pub count_id: Uuid,
    pub item_id: Uuid,
    /// On hand when the count sheet was made.
    #[schema(value_type = String)]
    pub system_qty: Decimal,
    #[schema(value_type = Option<String>)]
    pub counted: Option<Decimal>,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    pub counted_by: Option<String>,
}

pub fn find_item(conn: &mut PgConnection, id: Uuid) -> Result<Option<Item>, AppError> {
    Ok(items::table.find(id).select(Item::as_select()).first(conn).optional()?)
}

/// Items by id, for validating document lines in one query.
pub fn items_by_id(conn: &mut PgConnection, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, Item>, AppError> {
    Ok(items::table
        .filter(items::id.eq_any(ids))
        .select(Item::as_select())
        .load::<Item>(conn)?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

pub fn find_warehouse(conn: &mut PgConnection, id: Uuid) -> Result<Option<Warehouse>, AppError> {
    Ok(warehouses::table
        .find(id)
        .select(Warehouse::as_select())
        .first(conn)
        .optional()?)
}

pub fn default_warehouse(conn: &mut PgConnection) -> Result<Option<Warehouse>, AppError> {
    Ok(warehouses::table
        .filter(warehouses::is_default.eq(true))
        .filter(warehouses::active.eq(true))
        .select(Warehouse::as_select())
        .first(conn)
        .optional()?)
}

pub fn outbound_lines(conn: &mut PgConnection, note_id: Uuid) -> Result<Vec<OutboundLine>, AppError> {
    Ok(outbound_note_lines::table
        .filter(outbound_note_lines::note_id.eq(note_id))
        .order(outbound_note_lines::line_no)
        .select(OutboundLine::as_select())
        .load(conn)?)
}

pub fn inbound_lines(conn: &mut PgConnection, note_id: Uuid) -> Result<Vec<InboundLine>, AppError> {
    Ok(inbound_note_lines::table
        .filter(inbound_note_lines::note_id.eq(note_id))
        .order(inbound_note_lines::line_no)
        .select(InboundLine::as_select())
        .load(conn)?)
}

pub fn count_lines(conn: &mut PgConnection, count_id: Uuid) -> Result<Vec<CountLine>, AppError> {
    Ok(stock_count_lines::table
        .filter(stock_count_lines::count_id.eq(count_id))
        .order(stock_count_lines::item_id)
        .select(CountLine::as_select())
        .load(conn)?)
}
