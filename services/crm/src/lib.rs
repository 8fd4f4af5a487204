//! The crm service: customers and contacts, the local item catalogue and the price list, and
//! (growing) the order-to-cash documents. Keeps the employee directory, the catalogue and
//! customers' open receivables from other services' events.

pub mod api;
pub mod app;
pub mod db;
pub mod domain;
pub mod events;

use erp_server::ServiceDef;

pub const NAME: &str = "crm";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Customers, contacts, the item catalogue and price list; quotations, orders, receipts, outbound requests and shipments as they are built.",
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
        jobs: &[],
    }
}
