//! Events published by warehouse.

use crate::Event;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `warehouse.item.changed` v1: the item as it is now; services keep a local catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemChanged {
    pub item_id: Uuid,
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub specification: Option<String>,
    pub unit: String,
    /// `product`, `material` or `part`.
    pub kind: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    #[schema(value_type = String)]
    pub standard_cost: Decimal,
    pub active: bool,
    /// Consumers keep the highest revision they have seen.
    pub revision: i64,
    pub changed_at: DateTime<Utc>,
}

impl Event for ItemChanged {
    const TYPE: &'static str = "warehouse.item.changed";
    const VERSION: u32 = 1;
}

/// The document a note came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourceRef {
    /// `crm.outbound_request`, `purchasing.inbound_request`, `production.receipt_request`,
    /// `manual`, …
    pub kind: String,
    pub id: Uuid,
    #[serde(default)]
    pub number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IssuedLine {
    pub line_id: Uuid,
    #[serde(default)]
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Cost per unit the stock left at (moving average).
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
}

/// `warehouse.outbound.confirmed` v1: goods left the warehouse (this confirmation only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutboundConfirmed {
    pub note_id: Uuid,
    pub note_number: String,
    pub source: SourceRef,
    pub warehouse_id: Uuid,
    pub lines: Vec<IssuedLine>,
    /// `partially_issued`, `issued` or `cancelled` after this confirmation.
    pub status: String,
}

impl Event for OutboundConfirmed {
    const TYPE: &'static str = "warehouse.outbound.confirmed";
    const VERSION: u32 = 1;
}

/// `warehouse.stock.shortage` v1: an outbound line could not be issued for lack of stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StockShortage {
    pub item_id: Uuid,
    pub sku: String,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub quantity_missing: Decimal,
    pub source: SourceRef,
    pub note_id: Uuid,
    pub note_line_id: Uuid,
}

impl Event for StockShortage {
    const TYPE: &'static str = "warehouse.stock.shortage";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReceivedLine {
    pub line_id: Uuid,
    #[serde(default)]
    pub source_line_id: Option<Uuid>,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub expected: Decimal,
    #[schema(value_type = String)]
    pub received: Decimal,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    #[serde(default)]
    pub discrepancy: Option<String>,
}

/// `warehouse.inbound.confirmed` v1: goods were counted into the warehouse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboundConfirmed {
    pub note_id: Uuid,
    pub note_number: String,
    /// `purchase`, `production` or `return`.
    pub kind: String,
    pub source: SourceRef,
    pub warehouse_id: Uuid,
    pub lines: Vec<ReceivedLine>,
}

impl Event for InboundConfirmed {
    const TYPE: &'static str = "warehouse.inbound.confirmed";
    const VERSION: u32 = 1;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AdjustedLine {
    pub item_id: Uuid,
    /// Signed: positive found (surplus), negative missing (shortage).
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// The cost the stock came in or left at.
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
}

/// `warehouse.stock.adjusted` v1: stock was corrected outside any order (an adjustment with a
/// reason, or an approved count's variances); finance books the surplus or shortage awaiting
/// resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StockAdjusted {
    /// The adjustment or the stock count.
    pub source: SourceRef,
    pub warehouse_id: Uuid,
    pub reason: String,
    pub lines: Vec<AdjustedLine>,
}

impl Event for StockAdjusted {
    const TYPE: &'static str = "warehouse.stock.adjusted";
    const VERSION: u32 = 1;
}

/// `warehouse.stock.threshold_crossed` v1: an item's total stock went below its minimum or
/// above its maximum (or back within them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ThresholdCrossed {
    pub item_id: Uuid,
    pub sku: String,
    pub name: String,
    #[schema(value_type = String)]
    pub on_hand: Decimal,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub min_stock: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub max_stock: Option<Decimal>,
    /// `below_min`, `above_max` or `within`.
    pub state: String,
}

impl Event for ThresholdCrossed {
    const TYPE: &'static str = "warehouse.stock.threshold_crossed";
    const VERSION: u32 = 1;
}
