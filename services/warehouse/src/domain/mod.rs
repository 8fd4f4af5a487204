//! Warehouse rules, free of I/O: quantities, item validation and search text, the documents'
//! state tables, moving-average costing and min/max thresholds.

pub mod costing;
pub mod item;
pub mod quantity;
pub mod status;
pub mod thresholds;

/// What a ledger row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    PurchaseReceipt,
    SalesIssue,
    MaterialIssue,
    MaterialReturn,
    ProductionReceipt,
    SalesReturn,
    Adjustment,
    Transfer,
    Count,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::PurchaseReceipt => "purchase_receipt",
            MovementKind::SalesIssue => "sales_issue",
            MovementKind::MaterialIssue => "material_issue",
            MovementKind::MaterialReturn => "material_return",
            MovementKind::ProductionReceipt => "production_receipt",
            MovementKind::SalesReturn => "sales_return",
            MovementKind::Adjustment => "adjustment",
            MovementKind::Transfer => "transfer",
            MovementKind::Count => "count",
        }
    }
}
