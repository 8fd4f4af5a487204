//! Who may call each of warehouse's operations (docs/security.md): the server refuses a caller
//! outside them before any handler runs, and the OpenAPI document states them, from this
//! one table.

use erp_auth::Access::{Authenticated, Roles};
use erp_auth::{Door, Role, door};

const CATALOGUE_EDITORS: &[Role] = &[
    Role::WarehouseKeeper,
    Role::PurchasingManager,
    Role::ProductionManager,
    Role::GeneralManager,
];
const COUNT_APPROVERS: &[Role] = &[Role::GeneralManager, Role::FinanceManager];
const GENERAL_MANAGER: &[Role] = &[Role::GeneralManager];
const KEEPERS: &[Role] = &[Role::WarehouseKeeper, Role::GeneralManager];
const LEDGER_CHECKERS: &[Role] = &[Role::WarehouseKeeper, Role::GeneralManager, Role::FinanceManager];

#[rustfmt::skip]
const OWN: &[Door] = &[
    // warehouse: everything is readable by anyone signed in (stock, costs, notes, counts).
    door("GET", "/api/v1/warehouses", Authenticated),
    door("GET", "/api/v1/warehouses/{id}", Authenticated),
    door("POST", "/api/v1/warehouses", Roles(KEEPERS)),
    door("PUT", "/api/v1/warehouses/{id}", Roles(KEEPERS)),
    door("GET", "/api/v1/items", Authenticated),
    door("GET", "/api/v1/items/{id}", Authenticated),
    door("POST", "/api/v1/items", Roles(CATALOGUE_EDITORS)),
    door("PUT", "/api/v1/items/{id}", Roles(CATALOGUE_EDITORS)),
    door("POST", "/api/v1/items/{id}/activate", Roles(CATALOGUE_EDITORS)),
    door("POST", "/api/v1/items/{id}/deactivate", Roles(CATALOGUE_EDITORS)),
    door("GET", "/api/v1/stock", Authenticated),
    door("GET", "/api/v1/stock/movements", Authenticated),
    door("POST", "/api/v1/stock/transfers", Roles(KEEPERS)),
    door("POST", "/api/v1/stock/adjustments", Roles(KEEPERS)),
    door("GET", "/api/v1/stock/ledger-check", Roles(LEDGER_CHECKERS)),
    door("POST", "/api/v1/stock/rebuild", Roles(GENERAL_MANAGER)),
    door("GET", "/api/v1/reports/stale-stock", Authenticated),
    door("GET", "/api/v1/outbound-notes", Authenticated),
    door("GET", "/api/v1/outbound-notes/{id}", Authenticated),
    door("POST", "/api/v1/outbound-notes", Roles(KEEPERS)),
    door("POST", "/api/v1/outbound-notes/{id}/confirm", Roles(KEEPERS)),
    door("POST", "/api/v1/outbound-notes/{id}/cancel-rest", Roles(KEEPERS)),
    door("GET", "/api/v1/inbound-notes", Authenticated),
    door("GET", "/api/v1/inbound-notes/{id}", Authenticated),
    door("POST", "/api/v1/inbound-notes", Roles(KEEPERS)),
    door("POST", "/api/v1/inbound-notes/{id}/confirm", Roles(KEEPERS)),
    door("POST", "/api/v1/inbound-notes/{id}/cancel", Roles(KEEPERS)),
    door("GET", "/api/v1/stock-counts", Authenticated),
    door("GET", "/api/v1/stock-counts/{id}", Authenticated),
    door("POST", "/api/v1/stock-counts", Roles(KEEPERS)),
    door("PUT", "/api/v1/stock-counts/{id}/lines", Roles(KEEPERS)),
    door("POST", "/api/v1/stock-counts/{id}/submit", Roles(KEEPERS)),
    door("POST", "/api/v1/stock-counts/{id}/cancel", Roles(KEEPERS)),
    door("POST", "/api/v1/stock-counts/{id}/approve", Roles(COUNT_APPROVERS)),
    door("POST", "/api/v1/stock-counts/{id}/reject", Roles(COUNT_APPROVERS)),
];

/// The service's doors, with those of the shared endpoints it serves.
pub fn doors() -> Vec<Door> {
    [erp_directory::DOORS, erp_approval::DOORS, OWN].concat()
}
