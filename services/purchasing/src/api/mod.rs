//! purchasing's HTTP API.

use erp_auth::Role;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    erp_catalogue::routes(cfg);
}

/// Who buys: purchasers, their manager, and the general manager.
pub const BUYERS: [Role; 3] = [Role::Purchaser, Role::PurchasingManager, Role::GeneralManager];
