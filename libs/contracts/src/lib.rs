//! Event payloads, one module per producing service. A type's `TYPE` is its routing key
//! (`<service>.<entity>.<happened>`); a breaking change gets a new type with a higher `VERSION`
//! and both are published until every consumer has moved. Consumers ignore fields they do not
//! know, so adding an optional field is not breaking.

use serde::{Serialize, de::DeserializeOwned};

pub mod hr;

pub trait Event: Serialize + DeserializeOwned {
    /// Routing key and envelope `type`.
    const TYPE: &'static str;
    const VERSION: u32;
}

/// One row of the published event catalogue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CatalogEntry {
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub version: u32,
    pub producer: &'static str,
    pub consumers: &'static [&'static str],
    pub description: &'static str,
}

/// Every event the system publishes, for integrators binding their own queues.
pub fn catalog() -> Vec<CatalogEntry> {
    vec![CatalogEntry {
        event_type: hr::EmployeeChanged::TYPE,
        version: hr::EmployeeChanged::VERSION,
        producer: "hr",
        consumers: &["crm", "purchasing", "warehouse", "production", "finance"],
        description: "an employee was created or changed (name, department, manager, roles, active)",
    }]
}
