//! Tables and models of order fulfilment: payment plans, receipts, outbound requests and
//! shipments.

use super::schema::sales_orders;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

diesel::table! {
    payment_plan_instalments (order_id, seq) {
        order_id -> Uuid,
        seq -> Int4,
        due_date -> Date,
        amount -> Numeric,
        note -> Nullable<Text>,
        set_by -> Text,
        set_at -> Timestamptz,
    }
}

diesel::table! {
    receipts (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        customer_id -> Uuid,
        currency -> Text,
        amount -> Numeric,
        received_on -> Date,
        method -> Text,
        reference -> Nullable<Text>,
        status -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamptz,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
    }
}

diesel::table! {
    outbound_requests (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        warehouse_id -> Nullable<Uuid>,
        status -> Text,
        note_number -> Nullable<Text>,
        requested_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    outbound_request_lines (id) {
        id -> Uuid,
        request_id -> Uuid,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        issued -> Numeric,
        cancelled -> Numeric,
        issued_cost -> Numeric,
    }
}

diesel::table! {
    shipments (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        carrier -> Text,
        tracking_number -> Nullable<Text>,
        status -> Text,
        shipped_by -> Text,
        shipped_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
        signed_delivery_note_ref -> Nullable<Text>,
        delivered_by -> Nullable<Text>,
    }
}

diesel::table! {
    shipment_lines (id) {
        id -> Uuid,
        shipment_id -> Uuid,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
    }
}

diesel::joinable!(outbound_request_lines -> outbound_requests (request_id));
diesel::joinable!(shipment_lines -> shipments (shipment_id));
diesel::joinable!(receipts -> sales_orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(
    payment_plan_instalments,
    receipts,
    outbound_requests,
    outbound_request_lines,
    shipments,
    shipment_lines,
    sales_orders,
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_plan_instalments)]
pub struct Instalment {
    pub order_id: Uuid,
    pub seq: i32,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    pub note: Option<String>,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = receipts)]
pub struct Receipt {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub received_on: NaiveDate,
    /// `bank_transfer`, `cash`, `cheque` or `other`.
    pub method: String,
    pub reference: Option<String>,
    /// `recorded` (waiting for finance), `confirmed` or `rejected`.
    pub status: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = outbound_requests)]
pub struct OutboundRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    /// The default warehouse when absent.
    pub warehouse_id: Option<Uuid>,
    /// As the warehouse last reported: `open`, `partially_issued`, `issued`, `cancelled`.
    pub status: String,
    /// The warehouse's outbound note, once it reported on it.
    pub note_number: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = outbound_request_lines)]
pub struct OutboundRequestLine {
    /// The id the warehouse's note line refers to (`source_line_id`).
    pub id: Uuid,
    #[serde(skip)]
    pub request_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub issued: Decimal,
    /// Closed by the warehouse without leaving; may be requested again.
    #[schema(value_type = String)]
    pub cancelled: Decimal,
    /// What the issued goods cost (warehouse moving average × quantity).
    #[schema(value_type = String)]
    pub issued_cost: Decimal,
}

impl OutboundRequestLine {
    /// Neither issued nor cancelled yet.
    pub fn open_quantity(&self) -> Decimal {
        (self.quantity - self.issued - self.cancelled).max(Decimal::ZERO)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = shipments)]
pub struct Shipment {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub carrier: String,
    pub tracking_number: Option<String>,
    /// `shipped` or `delivered`.
    pub status: String,
    pub shipped_by: String,
    pub shipped_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Reference of the customer's signed delivery note (scan).
    pub signed_delivery_note_ref: Option<String>,
    pub delivered_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = shipment_lines)]
pub struct ShipmentLine {
    pub id: Uuid,
    #[serde(skip)]
    pub shipment_id: Uuid,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

pub fn instalments(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<Instalment>, AppError> {
    Ok(payment_plan_instalments::table
        .filter(payment_plan_instalments::order_id.eq(order_id))
        .order(payment_plan_instalments::seq)
        .select(Instalment::as_select())
        .load(conn)?)
}

pub fn receipts_of(conn: &mut PgConnection, order_id: Uuid) -> Result<Vec<Receipt>, AppError> {
    Ok(receipts::table
        .filter(receipts::order_id.eq(order_id))
        .order((receipts::received_on, receipts::id))
        .select(Receipt::as_select())
        .load(conn)?)
}

/// The sum of the order's receipts in `statuses`.
pub fn receipts_total(conn: &mut PgConnection, order_id: Uuid, statuses: &[&str]) -> Result<Decimal, AppError> {
    let sum: Option<Decimal> = receipts::table
        .filter(receipts::order_id.eq(order_id))
        .filter(receipts::status.eq_any(statuses))
        .select(diesel::dsl::sum(receipts::amount))
        .first(conn)?;
    Ok(sum.unwrap_or(Decimal::ZERO))
}

pub fn request_lines(conn: &mut PgConnection, request_ids: &[Uuid]) -> Result<Vec<OutboundRequestLine>, AppError> {
    Ok(outbound_request_lines::table
        .filter(outbound_request_lines::request_id.eq_any(request_ids))
        .order(outbound_request_lines::id)
        .select(OutboundRequestLine::as_select())
        .load(conn)?)
}

pub fn shipment_lines_of(conn: &mut PgConnection, shipment_ids: &[Uuid]) -> Result<Vec<ShipmentLine>, AppError> {
    Ok(shipment_lines::table
        .filter(shipment_lines::shipment_id.eq_any(shipment_ids))
        .order(shipment_lines::id)
        .select(ShipmentLine::as_select())
        .load(conn)?)
}

/// Per order line, the quantity of shipments the customer signed for.
pub fn delivered_by_line(
    conn: &mut PgConnection,
    order_id: Uuid,
) -> Result<std::collections::HashMap<Uuid, Decimal>, AppError> {
    let rows: Vec<(Uuid, Decimal)> = shipment_lines::table
        .inner_join(shipments::table)
        .filter(shipments::order_id.eq(order_id))
        .filter(shipments::status.eq("delivered"))
        .select((shipment_lines::order_line_id, shipment_lines::quantity))
        .load(conn)?;
    let mut out = std::collections::HashMap::new();
    for (line, q) in rows {
        *out.entry(line).or_insert(Decimal::ZERO) += q;
    }
    Ok(out)
}
