//! The finance service. Chart of accounts, journal, receivables and payables, invoices, payments and reports.
//!
//! So far it runs the platform (health, readiness, metrics, OpenAPI, dead letters) and keeps the
//! employee directory from hr's events.

use erp_server::ServiceDef;

pub const NAME: &str = "finance";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Chart of accounts, journal, receivables and payables, invoices, payments and reports.",
        migrations: || vec![erp_directory::MIGRATIONS],
        routes: erp_directory::routes,
        subscriptions: erp_directory::subscriptions,
        init: None,
        jobs: &[],
    }
}
