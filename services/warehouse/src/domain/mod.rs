//! Warehouse rules, free of I/O: quantities, item validation and search text, the documents'
//! state tables, moving-average costing and min/max thresholds.

pub mod costing;
pub mod item;
pub mod quantity;
pub mod status;
pub mod thresholds;

erp_db::states! {
    /// What a ledger row records.
    pub enum MovementKind: "movement kind" {
        PurchaseReceipt = "purchase_receipt",
        SalesIssue = "sales_issue",
        MaterialIssue = "material_issue",
        MaterialReturn = "material_return",
        ProductionReceipt = "production_receipt",
        SalesReturn = "sales_return",
        Adjustment = "adjustment",
        Transfer = "transfer",
        Count = "count",
    }
}

erp_db::states! {
    /// Where the goods of an inbound note come from.
    pub enum InboundKind: "inbound kind" {
        Purchase = "purchase",
        Production = "production",
        Return = "return",
    }
}

impl InboundKind {
    /// The ledger kind of what the note receives.
    pub fn movement(self) -> MovementKind {
        match self {
            InboundKind::Purchase => MovementKind::PurchaseReceipt,
            InboundKind::Production => MovementKind::ProductionReceipt,
            InboundKind::Return => MovementKind::SalesReturn,
        }
    }
}

/// The ledger kind of what an outbound note issues, by the kind of document that asked for it.
pub fn outbound_movement(source_kind: &str) -> MovementKind {
    match source_kind {
        "crm.outbound_request" => MovementKind::SalesIssue,
        "production.requisition" => MovementKind::MaterialIssue,
        _ => MovementKind::Adjustment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movement_kinds() {
        assert_eq!(InboundKind::Return.movement(), MovementKind::SalesReturn);
        assert_eq!(outbound_movement("crm.outbound_request"), MovementKind::SalesIssue);
        assert_eq!(outbound_movement("manual"), MovementKind::Adjustment);
        assert_eq!(MovementKind::PurchaseReceipt.as_str(), "purchase_receipt");
    }
}
