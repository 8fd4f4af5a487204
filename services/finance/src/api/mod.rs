//! finance's HTTP API.

mod books;
mod direct;
pub mod doors;
mod invoices;
mod journal;
mod payments;
mod reports;

use erp_auth::Role;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    books::routes(cfg);
    journal::routes(cfg);
    direct::routes(cfg);
    invoices::routes(cfg);
    payments::routes(cfg);
    reports::routes(cfg);
}

/// Who records money in and out (direct entries awaiting review).
pub const FINANCE: [Role; 2] = [Role::Cashier, Role::FinanceManager];

/// Who posts, reviews, pays, closes periods and keeps the chart of accounts.
pub const MANAGERS: [Role; 1] = [Role::FinanceManager];

/// Who reads the books.
pub const READERS: [Role; 3] = [Role::Cashier, Role::FinanceManager, Role::GeneralManager];
