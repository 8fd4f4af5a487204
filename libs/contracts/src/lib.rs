//! Event payloads, one module per producing service. A type's `TYPE` is its routing key
//! (`<service>.<entity>.<happened>`); a breaking change gets a new type with a higher `VERSION`
//! and both are published until every consumer has moved. Consumers ignore fields they do not
//! know, so adding an optional field is not breaking.

use serde::{Serialize, de::DeserializeOwned};

pub mod crm;
pub mod finance;
pub mod hr;
pub mod production;
pub mod purchasing;
pub mod warehouse;

pub trait Event: Serialize + DeserializeOwned {
    /// Routing key and envelope `type`.
    const TYPE: &'static str;
    const VERSION: u32;
}

/// Makes a payload's JSON Schema.
pub type PayloadSchema = fn() -> serde_json::Value;

/// One row of the published event catalogue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CatalogEntry {
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub version: u32,
    pub producer: &'static str,
    pub consumers: &'static [&'static str],
    pub description: &'static str,
    /// The payload's JSON Schema, self-contained (for the AsyncAPI document); none for the
    /// approval engine's events, whose payload types live in `libs/approval`.
    #[serde(skip)]
    #[schema(ignore)]
    pub payload_schema: Option<PayloadSchema>,
}

/// `T`'s JSON Schema with every schema it refers to written in place, so that it stands alone
/// (two producers may name their payload types alike).
pub fn json_schema<T: utoipa::ToSchema>() -> serde_json::Value {
    let mut referred = Vec::new();
    T::schemas(&mut referred);
    let named: std::collections::HashMap<String, serde_json::Value> = referred
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
        .collect();
    inline_refs(serde_json::to_value(T::schema()).unwrap_or_default(), &named, 0)
}

fn inline_refs(
    value: serde_json::Value,
    named: &std::collections::HashMap<String, serde_json::Value>,
    depth: usize,
) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| named.get(name));
            match target {
                // Contract types are not recursive; the depth only guards against a mistake.
                Some(schema) if depth < 16 => inline_refs(schema.clone(), named, depth + 1),
                _ => Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, inline_refs(v, named, depth)))
                        .collect(),
                ),
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| inline_refs(v, named, depth)).collect()),
        other => other,
    }
}

/// Every event the system publishes, for integrators binding their own queues.
pub fn catalog() -> Vec<CatalogEntry> {
    fn entry<E: Event + utoipa::ToSchema>(
        producer: &'static str,
        consumers: &'static [&'static str],
        description: &'static str,
    ) -> CatalogEntry {
        CatalogEntry {
            event_type: E::TYPE,
            version: E::VERSION,
            producer,
            consumers,
            description,
            payload_schema: Some(json_schema::<E>),
        }
    }
    let mut entries = vec![
        entry::<hr::EmployeeChanged>(
            "hr",
            &["crm", "purchasing", "warehouse", "production", "finance"],
            "an employee was created or changed (name, department, manager, roles, active)",
        ),
        entry::<crm::OutboundRequested>(
            "crm",
            &["warehouse", "finance"],
            "goods of a sales order are to leave the warehouse",
        ),
        entry::<crm::ReceiptConfirmed>("crm", &["finance"], "finance confirmed money received on a sales order"),
        entry::<crm::ShipmentDelivered>(
            "crm",
            &["finance"],
            "the customer signed for a shipment of a sales order",
        ),
        entry::<purchasing::InboundRequested>("purchasing", &["warehouse"], "goods of a purchase order arrived"),
        entry::<purchasing::OrderApproved>(
            "purchasing",
            &["finance"],
            "a purchase order passed its last approval step (supplier, totals, payment terms, lines)",
        ),
        entry::<purchasing::PaymentRequested>(
            "purchasing",
            &["finance"],
            "a finance manager approved a payment to a supplier on a purchase order",
        ),
        entry::<purchasing::InvoiceReceived>(
            "purchasing",
            &["finance"],
            "a supplier invoice matched its order and receipts (or its differences were accepted)",
        ),
        entry::<purchasing::ArrivalOverdue>(
            "purchasing",
            &["hr"],
            "a purchase order's goods are overdue and nothing was received",
        ),
        entry::<production::ReceiptRequested>("production", &["warehouse"], "finished goods are to go into stock"),
        entry::<warehouse::ItemChanged>(
            "warehouse",
            &["crm", "purchasing", "production", "finance"],
            "an item of the catalogue was created or changed",
        ),
        entry::<warehouse::OutboundConfirmed>(
            "warehouse",
            &["crm", "finance"],
            "goods left the warehouse, with unit costs",
        ),
        entry::<warehouse::StockAdjusted>(
            "warehouse",
            &["finance"],
            "stock was corrected by an adjustment or an approved count (surplus or shortage)",
        ),
        entry::<warehouse::StockShortage>("warehouse", &["purchasing"], "an outbound line lacks stock"),
        entry::<warehouse::InboundConfirmed>(
            "warehouse",
            &["purchasing", "production", "finance"],
            "goods were received into stock",
        ),
        entry::<finance::CustomerBalanceChanged>(
            "finance",
            &["crm"],
            "a customer's open receivables changed (for the credit check)",
        ),
        entry::<finance::PaymentMade>("finance", &["purchasing"], "finance paid a purchasing payment request"),
        entry::<finance::InvoiceIssued>(
            "finance",
            &["crm"],
            "finance issued a sales invoice for delivered goods of an order",
        ),
        entry::<warehouse::ThresholdCrossed>("warehouse", &["hr"], "an item's stock crossed its minimum or maximum"),
        entry::<crm::OrderApproved>(
            "crm",
            &["finance"],
            "a sales order passed its last approval step (customer, totals, payment terms, lines)",
        ),
        entry::<crm::OrderChanged>(
            "crm",
            &["finance"],
            "an approved change request changed an order's lines or terms (the order as it is now)",
        ),
    ];
    entries.extend(APPROVAL_EVENTS.iter().flat_map(|&(producer, requested, decided)| {
        [
            CatalogEntry {
                event_type: requested,
                version: 1,
                producer,
                consumers: &[],
                description: "a step of one of the service's documents waits for a decision (who may decide, why)",
                payload_schema: None,
            },
            CatalogEntry {
                event_type: decided,
                version: 1,
                producer,
                consumers: &[],
                description: "a step of an approval request was approved, rejected or withdrawn",
                payload_schema: None,
            },
        ]
    }));
    entries
}

/// The approval engine's events (`libs/approval`), published under the name of each service
/// whose documents it decides: (service, requested, decided).
pub const APPROVAL_EVENTS: &[(&str, &str, &str)] = &[
    ("crm", "crm.approval.requested", "crm.approval.decided"),
    (
        "purchasing",
        "purchasing.approval.requested",
        "purchasing.approval.decided",
    ),
    (
        "warehouse",
        "warehouse.approval.requested",
        "warehouse.approval.decided",
    ),
    ("finance", "finance.approval.requested", "finance.approval.decided"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event type a contract declares is in the catalog, and nothing else but the
    /// approval engine's: the sources are read, so a new type can't be forgotten.
    #[test]
    fn the_catalog_lists_every_declared_event_type_once() {
        let sources = [
            include_str!("crm.rs"),
            include_str!("finance.rs"),
            include_str!("hr.rs"),
            include_str!("production.rs"),
            include_str!("purchasing.rs"),
            include_str!("warehouse.rs"),
        ];
        let declared: Vec<&str> = sources
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|l| l.trim().strip_prefix("const TYPE: &'static str = \""))
            .filter_map(|rest| rest.strip_suffix("\";"))
            .collect();
        let cataloged: Vec<&str> = catalog().iter().map(|e| e.event_type).collect();
        for t in &declared {
            assert!(cataloged.contains(t), "{t} is declared but not in the catalog");
        }
        let approvals: Vec<&str> = APPROVAL_EVENTS.iter().flat_map(|&(_, r, d)| [r, d]).collect();
        for t in &cataloged {
            assert!(
                declared.contains(t) || approvals.contains(t),
                "{t} is in the catalog but no contract declares it"
            );
            assert_eq!(cataloged.iter().filter(|c| *c == t).count(), 1, "{t} is listed twice");
        }
        assert_eq!(declared.len() + approvals.len(), cataloged.len());
    }
}
