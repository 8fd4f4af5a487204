//! crm's HTTP API.

mod activities;
mod catalogue;
mod changes;
mod customers;
pub mod doors;
mod leads;
mod opportunities;
mod orders;
mod outbound;
mod payments;
mod quotations;
mod shipments;

use erp_auth::Role;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    customers::routes(cfg);
    catalogue::routes(cfg);
    quotations::routes(cfg);
    orders::routes(cfg);
    payments::routes(cfg);
    outbound::routes(cfg);
    shipments::routes(cfg);
    changes::routes(cfg);
    leads::routes(cfg);
    activities::routes(cfg);
    opportunities::routes(cfg);
}

/// Who sells: salespeople and the managers and leaders above them.
pub const SELLERS: [Role; 4] = [
    Role::Sales,
    Role::SalesManager,
    Role::VicePresident,
    Role::GeneralManager,
];
