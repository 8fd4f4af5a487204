//! The finance service: the chart of accounts, monthly periods and the immutable double-entry
//! journal, fed by the other services' events (receipts, goods issued and received, supplier
//! invoices, payment requests) and by cashiers' direct entries reviewed by a finance manager;
//! supplier payments; the trial balance.
//!
//! Sales invoices for delivered goods (`finance.invoice.issued`), receivables and payables
//! aging, profit and loss, gross margin and VAT reports.

pub mod api;
pub mod app;
pub mod db;
pub mod domain;
pub mod events;

use erp_server::ServiceDef;

pub const NAME: &str = "finance";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Chart of accounts, journal, receivables and payables, invoices, payments and reports.",
        migrations: || vec![erp_directory::MIGRATIONS, erp_approval::MIGRATIONS, db::MIGRATIONS],
        routes: api::routes,
        doors: api::doors::doors,
        subscriptions: events::subscriptions,
        init: Some(app::approvals::seed),
        jobs: &[],
    }
}
