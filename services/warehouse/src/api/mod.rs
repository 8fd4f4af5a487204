//! warehouse's HTTP API: handlers parse, authorise, validate, call one application function in
//! one transaction and map the result into the response types declared here.

mod counts;
pub mod doors;
mod inbound;
mod items;
mod outbound;
mod reports;
mod stock;
mod warehouses;

use erp_auth::Role;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    items::routes(cfg);
    warehouses::routes(cfg);
    stock::routes(cfg);
    reports::routes(cfg);
    outbound::routes(cfg);
    inbound::routes(cfg);
    counts::routes(cfg);
}

/// Who moves stock: the warehouse keeper, and the general manager who may act for anyone.
pub const KEEPERS: [Role; 2] = [Role::WarehouseKeeper, Role::GeneralManager];

/// Who maintains the item master.
pub const CATALOGUE_EDITORS: [Role; 4] = [
    Role::WarehouseKeeper,
    Role::PurchasingManager,
    Role::ProductionManager,
    Role::GeneralManager,
];

/// Who may decide on stock counts (never the one who counted); the authority matrix says which
/// of them a count waits for.
pub const COUNT_APPROVERS: [Role; 2] = [Role::GeneralManager, Role::FinanceManager];

/// The item of a note line as the catalogue names it (absent for an item it no longer knows).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct LineItem {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
}

impl LineItem {
    fn of(items: &std::collections::HashMap<uuid::Uuid, crate::app::notes::ItemLabel>, id: uuid::Uuid) -> Self {
        items
            .get(&id)
            .map(|i| LineItem {
                sku: Some(i.sku.clone()),
                name: Some(i.name.clone()),
                unit: Some(i.unit.clone()),
            })
            .unwrap_or_default()
    }
}
