//! Events published by crm.

use crate::Event;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutboundRequestLine {
    /// The request line; comes back in `warehouse.outbound.confirmed`.
    pub line_id: Uuid,
    #[serde(default)]
    pub order_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

/// `crm.outbound.requested` v1: a salesperson asks the warehouse to issue goods for an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutboundRequested {
    pub request_id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Where to issue from; the default warehouse when absent.
    #[serde(default)]
    pub warehouse_id: Option<Uuid>,
    pub lines: Vec<OutboundRequestLine>,
}

impl Event for OutboundRequested {
    const TYPE: &'static str = "crm.outbound.requested";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderApprovedLine {
    pub line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[serde(default)]
    pub delivery_date: Option<chrono::NaiveDate>,
}

/// `crm.order.approved` v1: a sales order (contract) was approved; finance builds the
/// receivable schedule from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderApproved {
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    #[serde(default)]
    pub customer_name: Option<String>,
    /// The salesperson.
    pub owner_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub payment_terms: String,
    pub payment_days: i32,
    pub order_date: chrono::NaiveDate,
    pub lines: Vec<OrderApprovedLine>,
}

impl Event for OrderApproved {
    const TYPE: &'static str = "crm.order.approved";
    const VERSION: u32 = 1;
}

/// `crm.receipt.confirmed` v1: finance confirmed money received on a sales order; finance
/// books it against the customer's receivable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptConfirmed {
    pub receipt_id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub received_on: chrono::NaiveDate,
    /// `bank_transfer`, `cash`, `cheque` or `other`.
    pub method: String,
    #[serde(default)]
    pub reference: Option<String>,
}

impl Event for ReceiptConfirmed {
    const TYPE: &'static str = "crm.receipt.confirmed";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliveredLine {
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

/// `crm.shipment.delivered` v1: the customer signed for a shipment of a sales order (the
/// delivery note reference names the signed scan); finance may invoice what was delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShipmentDelivered {
    pub shipment_id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub lines: Vec<DeliveredLine>,
    pub delivered_at: chrono::DateTime<chrono::Utc>,
    pub signed_delivery_note_ref: String,
}

impl Event for ShipmentDelivered {
    const TYPE: &'static str = "crm.shipment.delivered";
    const VERSION: u32 = 1;
}

/// `crm.order.changed` v1: an approved change request changed an order's lines or terms; the
/// order as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderChanged {
    pub change_request_id: Uuid,
    #[serde(flatten)]
    pub order: OrderApproved,
}

impl Event for OrderChanged {
    const TYPE: &'static str = "crm.order.changed";
    const VERSION: u32 = 1;
}
