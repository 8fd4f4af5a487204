//! Who may call each of purchasing's operations (docs/security.md): the server refuses a caller
//! outside them before any handler runs, and the OpenAPI document states them, from this
//! one table, with the role sets the handlers check (`domain/roles.rs`).

use crate::domain::roles;
use erp_auth::Access::{Approver, Authenticated, Hidden, Roles};
use erp_auth::{Door, Role, door};

const ARRIVAL_READERS: &[Role] = &roles::ARRIVAL_READERS;
const BUYERS: &[Role] = &roles::BUYERS;
const FINANCE_MANAGER: &[Role] = &roles::FINANCE_DECIDERS;
const GENERAL_MANAGER: &[Role] = &roles::TOLERANCE_EDITORS;
const INVOICE_DECIDERS: &[Role] = &roles::INVOICE_DECIDERS;
const PO_READERS: &[Role] = &roles::ORDER_READERS;
/// purchasing: SEE_ALL and REQUESTERS, the roles whose request scope is not `Nothing`.
const PR_VIEWERS: &[Role] = &[
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::ProjectController,
    Role::VicePresident,
    Role::WarehouseKeeper,
    Role::ProductionManager,
    Role::Technical,
    Role::ProjectManager,
];
const REQUESTERS: &[Role] = &roles::REQUESTERS;
const SETTLEMENT_READERS: &[Role] = &roles::SETTLEMENT_READERS;

#[rustfmt::skip]
const OWN: &[Door] = &[
    // purchasing: suppliers (read by anyone signed in, bank details included).
    door("GET", "/api/v1/suppliers", Authenticated),
    door("GET", "/api/v1/suppliers/{id}", Authenticated),
    door("POST", "/api/v1/suppliers", Roles(BUYERS)),
    door("PUT", "/api/v1/suppliers/{id}", Roles(BUYERS)),
    door("POST", "/api/v1/suppliers/{id}/deactivate", Roles(BUYERS)),
    // purchasing: requests, supplier quotations and the selection.
    door("GET", "/api/v1/purchase-requests", Roles(PR_VIEWERS)),
    door("POST", "/api/v1/purchase-requests", Roles(REQUESTERS)),
    door("GET", "/api/v1/purchase-requests/{id}", Hidden(PR_VIEWERS)),
    door("PUT", "/api/v1/purchase-requests/{id}", Roles(REQUESTERS)),
    door("POST", "/api/v1/purchase-requests/{id}/submit", Roles(REQUESTERS)),
    door("POST", "/api/v1/purchase-requests/{id}/approve", Approver),
    door("POST", "/api/v1/purchase-requests/{id}/reject", Approver),
    door("POST", "/api/v1/purchase-requests/{id}/cancel", Roles(REQUESTERS)),
    door("GET", "/api/v1/purchase-requests/{id}/quotations", Hidden(PR_VIEWERS)),
    door("POST", "/api/v1/purchase-requests/{id}/quotations", Roles(BUYERS)),
    door("GET", "/api/v1/purchase-requests/{id}/quotations/comparison", Hidden(PR_VIEWERS)),
    door("GET", "/api/v1/purchase-requests/{id}/selection", Hidden(PR_VIEWERS)),
    door("POST", "/api/v1/purchase-requests/{id}/selection", Roles(BUYERS)),
    door("POST", "/api/v1/purchase-requests/{id}/selection/approve", Approver),
    door("POST", "/api/v1/purchase-requests/{id}/selection/reject", Approver),
    door("POST", "/api/v1/purchase-requests/{id}/orders", Roles(BUYERS)),
    // purchasing: orders, arrivals, invoices, payment requests.
    door("GET", "/api/v1/purchase-orders", Roles(PO_READERS)),
    door("POST", "/api/v1/purchase-orders", Roles(BUYERS)),
    door("GET", "/api/v1/purchase-orders/{id}", Hidden(PO_READERS)),
    door("PUT", "/api/v1/purchase-orders/{id}", Roles(BUYERS)),
    door("POST", "/api/v1/purchase-orders/{id}/submit", Roles(BUYERS)),
    door("POST", "/api/v1/purchase-orders/{id}/approve", Approver),
    door("POST", "/api/v1/purchase-orders/{id}/reject", Approver),
    door("POST", "/api/v1/purchase-orders/{id}/send", Roles(BUYERS)),
    door("POST", "/api/v1/purchase-orders/{id}/cancel", Roles(BUYERS)),
    // The scheduler's API key needs a buyer role too.
    door("POST", "/api/v1/purchase-orders/arrival-reminders", Roles(BUYERS)),
    door("GET", "/api/v1/purchase-orders/{id}/arrivals", Roles(ARRIVAL_READERS)),
    door("POST", "/api/v1/purchase-orders/{id}/arrivals", Roles(BUYERS)),
    door("GET", "/api/v1/arrivals/{id}", Hidden(ARRIVAL_READERS)),
    door("GET", "/api/v1/purchase-orders/{id}/invoices", Roles(SETTLEMENT_READERS)),
    door("POST", "/api/v1/purchase-orders/{id}/invoices", Roles(BUYERS)),
    door("GET", "/api/v1/supplier-invoices", Roles(SETTLEMENT_READERS)),
    door("GET", "/api/v1/supplier-invoices/{id}", Hidden(SETTLEMENT_READERS)),
    door("POST", "/api/v1/supplier-invoices/{id}/accept", Roles(INVOICE_DECIDERS)),
    door("POST", "/api/v1/supplier-invoices/{id}/reject", Roles(INVOICE_DECIDERS)),
    door("GET", "/api/v1/purchase-orders/{id}/settlement", Roles(SETTLEMENT_READERS)),
    door("GET", "/api/v1/settlement-tolerances", Authenticated),
    door("PUT", "/api/v1/settlement-tolerances", Roles(GENERAL_MANAGER)),
    door("GET", "/api/v1/purchase-orders/{id}/payment-requests", Roles(SETTLEMENT_READERS)),
    door("POST", "/api/v1/purchase-orders/{id}/payment-requests", Roles(BUYERS)),
    door("GET", "/api/v1/payment-requests", Roles(SETTLEMENT_READERS)),
    door("GET", "/api/v1/payment-requests/{id}", Hidden(SETTLEMENT_READERS)),
    door("POST", "/api/v1/payment-requests/{id}/approve", Roles(FINANCE_MANAGER)),
    door("POST", "/api/v1/payment-requests/{id}/reject", Roles(FINANCE_MANAGER)),
];

/// The service's doors, with those of the shared endpoints it serves.
pub fn doors() -> Vec<Door> {
    [erp_directory::DOORS, erp_catalogue::DOORS, erp_approval::DOORS, OWN].concat()
}
