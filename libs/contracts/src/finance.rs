//! Events published by finance.

use crate::Event;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `finance.customer.balance.changed` v1: a customer's open receivables after a posting, so
/// crm's credit check stays current without calling finance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerBalanceChanged {
    pub customer_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub open_amount: Decimal,
    #[serde(default)]
    #[schema(value_type = String)]
    pub overdue_amount: Decimal,
    /// Increases with every change; consumers keep the highest.
    pub revision: i64,
    pub changed_at: DateTime<Utc>,
}

impl Event for CustomerBalanceChanged {
    const TYPE: &'static str = "finance.customer.balance.changed";
    const VERSION: u32 = 1;
}

/// `finance.payment.made` v1: finance paid a payment request approved in purchasing; the request
/// is then paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentMade {
    pub payment_request_id: Uuid,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    pub paid_on: chrono::NaiveDate,
    /// Bank transaction or voucher number.
    #[serde(default)]
    pub reference: Option<String>,
}

impl Event for PaymentMade {
    const TYPE: &'static str = "finance.payment.made";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoicedLine {
    /// crm's sales order line.
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

/// `finance.invoice.issued` v1: finance issued a sales (VAT) invoice for delivered goods of a
/// sales order; crm adds the quantities to the order lines' `invoiced`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceIssued {
    pub invoice_id: Uuid,
    /// Gapless per year: `INV-2026-000001`.
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub currency: String,
    pub issue_date: chrono::NaiveDate,
    pub due_date: chrono::NaiveDate,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lines: Vec<InvoicedLine>,
}

impl Event for InvoiceIssued {
    const TYPE: &'static str = "finance.invoice.issued";
    const VERSION: u32 = 1;
}
