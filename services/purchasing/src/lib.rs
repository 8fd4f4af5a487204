//! The purchasing service. Suppliers, purchase requests, supplier quotations, purchase orders, arrivals, supplier invoices and payment requests.
//!
//! So far it runs the platform (health, readiness, metrics, OpenAPI, dead letters) and keeps the
//! employee directory from hr's events.

use erp_server::ServiceDef;

pub const NAME: &str = "purchasing";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Suppliers, purchase requests, supplier quotations, purchase orders, arrivals, supplier invoices and payment requests.",
        migrations: || vec![erp_directory::MIGRATIONS],
        routes: erp_directory::routes,
        subscriptions: erp_directory::subscriptions,
        init: None,
    }
}
