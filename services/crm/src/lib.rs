//! The crm service. Customers, leads, opportunities, quotations, sales orders and contracts, receipts, outbound requests and shipments.
//!
//! So far it runs the platform (health, readiness, metrics, OpenAPI, dead letters) and keeps the
//! employee directory from hr's events.

use erp_server::ServiceDef;

pub const NAME: &str = "crm";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Customers, leads, opportunities, quotations, sales orders and contracts, receipts, outbound requests and shipments.",
        migrations: || vec![erp_directory::MIGRATIONS],
        routes: erp_directory::routes,
        subscriptions: erp_directory::subscriptions,
        init: None,
    }
}
