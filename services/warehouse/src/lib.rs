//! The warehouse service. Items, warehouses, stock balances and the stock ledger, inbound and outbound notes, stock counts.
//!
//! So far it runs the platform (health, readiness, metrics, OpenAPI, dead letters) and keeps the
//! employee directory from hr's events.

use erp_server::ServiceDef;

pub const NAME: &str = "warehouse";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Items, warehouses, stock balances and the stock ledger, inbound and outbound notes, stock counts.",
        migrations: || vec![erp_directory::MIGRATIONS],
        routes: erp_directory::routes,
        subscriptions: erp_directory::subscriptions,
        init: None,
    }
}
