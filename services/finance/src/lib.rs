//! The finance service: the chart of accounts, monthly periods and the immutable double-entry
//! journal, fed by the other services' events (receipts, goods issued and received, supplier
//! invoices, payment requests) and by cashiers' direct entries reviewed by a finance manager;
//! supplier payments; the trial balance.
//!
//! Sales invoices for delivered goods (`finance.invoice.issued`), receivables and payables
//! aging, profit and loss, gross margin and VAT reports.

pub mod api;
pub mod db;
pub mod domain;
pub mod events;

use erp_server::ServiceDef;

pub const NAME: &str = "finance";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Chart of accounts, journal, receivables and payables, invoices, payments and reports.",
        migrations: || vec![erp_directory::MIGRATIONS, db::MIGRATIONS],
        routes: api::routes,
        doors: api::doors::doors,
        subscriptions: events::subscriptions,
        init: Some(seed),
        jobs: &[],
    }
}

/// First start: the chart of accounts and the book currency.
fn seed(conn: &mut diesel::PgConnection, _config: &erp_config::Config) -> Result<(), erp_problem::AppError> {
    db::seed(conn)
}
