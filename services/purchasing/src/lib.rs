//! The purchasing service: suppliers, purchase requests (by hand or from the warehouse's
//! shortages), supplier quotations compared and reviewed by project control, purchase orders
//! approved through the authority matrix, payment requests, arrivals and supplier invoices
//! matched three ways.

pub mod api;
pub mod app;
pub mod db;
pub mod domain;
pub mod events;

use erp_server::ServiceDef;

pub const NAME: &str = "purchasing";

/// Reminders of overdue purchase arrivals, hourly.
const JOBS: &[erp_server::Job] = &[erp_server::Job {
    name: "arrival reminders",
    every: std::time::Duration::from_secs(3600),
    run: app::arrivals::reminders_job,
}];

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Suppliers, purchase requests, supplier quotations, purchase orders, arrivals, supplier invoices and payment requests.",
        migrations: || {
            vec![
                erp_directory::MIGRATIONS,
                erp_approval::MIGRATIONS,
                erp_catalogue::MIGRATIONS,
                db::MIGRATIONS,
            ]
        },
        routes: api::routes,
        doors: api::doors::doors,
        subscriptions: events::subscriptions,
        init: Some(app::approvals::seed_authority_matrix),
        jobs: JOBS,
    }
}
