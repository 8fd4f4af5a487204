//! The production service. BOMs, production requests and orders, material requisitions, progress, QC and piece-rate wages.
//!
//! So far it runs the platform (health, readiness, metrics, OpenAPI, dead letters) and keeps the
//! employee directory from hr's events.

use erp_server::ServiceDef;

pub const NAME: &str = "production";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "BOMs, production requests and orders, material requisitions, progress, QC and piece-rate wages.",
        migrations: || vec![erp_directory::MIGRATIONS],
        doors: || erp_directory::DOORS.to_vec(),
        routes: erp_directory::routes,
        subscriptions: erp_directory::subscriptions,
        init: None,
        jobs: &[],
    }
}
