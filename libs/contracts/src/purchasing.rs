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
