//! finance's HTTP API.

mod accounts;
mod direct;
pub mod doors;
mod invoices;
mod journal;
mod payments;
mod periods;
mod reports;

use erp_auth::Role;
use erp_problem::AppError;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    accounts::routes(cfg);
    journal::routes(cfg);
    periods::routes(cfg);
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

pub(crate) fn wrong_state(detail: String) -> AppError {
    AppError::Conflict {
        slug: "wrong-state",
        detail,
    }
}

/// Trimmed text, `None` when blank.
pub(crate) fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}
