//! Events published by purchasing.

use crate::Event;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboundRequestLine {
    pub line_id: Uuid,
    #[serde(default)]
    pub order_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Purchase price per unit, the stock's cost.
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
}

/// `purchasing.inbound.requested` v1: goods of a purchase order arrived; the warehouse keeper
/// is to count and confirm them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboundRequested {
    pub request_id: Uuid,
    pub purchase_order_id: Uuid,
    pub purchase_order_number: String,
    #[serde(default)]
    pub supplier_name: Option<String>,
    #[serde(default)]
    pub warehouse_id: Option<Uuid>,
    pub lines: Vec<InboundRequestLine>,
}

impl Event for InboundRequested {
    const TYPE: &'static str = "purchasing.inbound.requested";
    const VERSION: u32 = 1;
}

/// `purchasing.payment.requested` v1: a finance manager approved a payment to a supplier (a
/// deposit, a part or the final payment of a purchase order); finance pays it and answers with
/// `finance.payment.made`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentRequested {
    pub payment_request_id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    #[serde(default)]
    pub supplier_bank_name: Option<String>,
    #[serde(default)]
    pub supplier_bank_account: Option<String>,
    /// `deposit`, `part` or `final`.
    pub kind: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    #[serde(default)]
    pub due_date: Option<chrono::NaiveDate>,
}

impl Event for PaymentRequested {
    const TYPE: &'static str = "purchasing.payment.requested";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceReceivedLine {
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
}

/// `purchasing.invoice.received` v1: a supplier invoice matched its purchase order and what was
/// received (or a purchasing manager accepted its differences); finance books the payable and
/// the input VAT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceReceived {
    pub invoice_id: Uuid,
    /// The supplier's number.
    pub invoice_number: String,
    pub invoice_date: chrono::NaiveDate,
    /// When the supplier is to be paid (invoice date plus the order's payment days).
    #[serde(default)]
    pub due_date: Option<chrono::NaiveDate>,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lines: Vec<InvoiceReceivedLine>,
}

impl Event for InvoiceReceived {
    const TYPE: &'static str = "purchasing.invoice.received";
    const VERSION: u32 = 1;
}

/// `purchasing.arrival.overdue` v1: a purchase order's goods were expected before today and
/// nothing has been received; the buyer's daily-work inbox shows it (once per order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ArrivalOverdue {
    pub order_id: Uuid,
    pub number: String,
    pub supplier_name: String,
    pub expected_arrival: chrono::NaiveDate,
    /// The purchaser responsible, when known.
    #[serde(default)]
    pub buyer_id: Option<Uuid>,
}

impl Event for ArrivalOverdue {
    const TYPE: &'static str = "purchasing.arrival.overdue";
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
    /// VAT rate in percent.
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
}

/// `purchasing.order.approved` v1: a purchase order passed its last approval step; finance
/// plans the payable from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderApproved {
    pub order_id: Uuid,
    pub number: String,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub payment_terms: String,
    pub payment_days: i32,
    #[serde(default)]
    pub expected_arrival: Option<chrono::NaiveDate>,
    pub lines: Vec<OrderApprovedLine>,
}

impl Event for OrderApproved {
    const TYPE: &'static str = "purchasing.order.approved";
    const VERSION: u32 = 1;
}
