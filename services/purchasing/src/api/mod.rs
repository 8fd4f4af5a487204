//! purchasing's HTTP API: handlers parse, authorise, call one application function in one
//! transaction and map the result into the response types declared here.

mod arrivals;
pub mod doors;
mod invoices;
mod orders;
mod payments;
mod quotations;
mod requests;
mod settlement;
mod suppliers;
mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    erp_catalogue::routes(cfg);
    payments::routes(cfg);
    arrivals::routes(cfg);
    invoices::routes(cfg);
    settlement::routes(cfg);
    suppliers::routes(cfg);
    requests::routes(cfg);
    quotations::routes(cfg);
    orders::routes(cfg);
}
