//! purchasing's HTTP API.

pub mod approvals;
mod arrivals;
mod invoices;
pub mod orders;
mod payments;
mod quotations;
pub mod requests;
mod suppliers;

use erp_auth::Role;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    erp_catalogue::routes(cfg);
    payments::routes(cfg);
    arrivals::routes(cfg);
    invoices::routes(cfg);
    suppliers::routes(cfg);
    requests::routes(cfg);
    quotations::routes(cfg);
    orders::routes(cfg);
}

/// Who buys: purchasers, their manager, and the general manager.
pub const BUYERS: [Role; 3] = [Role::Purchaser, Role::PurchasingManager, Role::GeneralManager];

/// The hourly job: reminders for purchase arrivals that are overdue (today in UTC).
pub fn arrival_reminders(
    conn: &mut diesel::PgConnection,
    meta: &erp_bus::EventMeta,
) -> Result<usize, erp_problem::AppError> {
    arrivals::remind_overdue_arrivals(conn, erp_calendar::today(), meta)
}
