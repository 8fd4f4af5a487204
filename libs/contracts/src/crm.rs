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
