//! Events published by production.

use crate::Event;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptRequestLine {
    pub line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Production cost per unit; the item's standard cost when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub unit_cost: Option<Decimal>,
}

/// `production.receipt.requested` v1: finished goods passed QC and go into stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptRequested {
    pub request_id: Uuid,
    pub production_order_id: Uuid,
    pub production_order_number: String,
    #[serde(default)]
    pub warehouse_id: Option<Uuid>,
    pub lines: Vec<ReceiptRequestLine>,
}

impl Event for ReceiptRequested {
    const TYPE: &'static str = "production.receipt.requested";
    const VERSION: u32 = 1;
}
