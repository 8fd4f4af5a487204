//! Who may call each of crm's operations (docs/security.md): the server refuses a caller
//! outside them before any handler runs, and the OpenAPI document states them, from this
//! one table.

use erp_auth::Access::{Approver, Authenticated, Hidden, Roles};
use erp_auth::{Door, Role, door};

/// crm: the roles whose visibility scope is not `Nothing` (domain/visibility.rs).
const CRM_VIEWERS: &[Role] = &[
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
    Role::SalesManager,
    Role::Sales,
    Role::Marketing,
];
const FINANCE_MANAGER: &[Role] = &[Role::FinanceManager];
const LEAD_ROLES: &[Role] = &[
    Role::Marketing,
    Role::Sales,
    Role::SalesManager,
    Role::VicePresident,
    Role::GeneralManager,
];
const PRICE_SETTERS: &[Role] = &[Role::SalesManager, Role::VicePresident, Role::GeneralManager];
const SELLERS: &[Role] = &super::SELLERS;
/// crm: the roles whose selling scope (opportunities, quotations) is not `Nothing`: finance
/// follows the money, not the deals.
const SELLING_VIEWERS: &[Role] = &[
    Role::GeneralManager,
    Role::VicePresident,
    Role::SalesManager,
    Role::Sales,
    Role::Marketing,
];

#[rustfmt::skip]
const OWN: &[Door] = &[
    // crm: customers and the pipeline. Lists refuse a role without a scope (403); a record
    // outside one's scope is a 404.
    door("GET", "/api/v1/customers", Roles(CRM_VIEWERS)),
    door("POST", "/api/v1/customers", Roles(SELLERS)),
    door("GET", "/api/v1/customers/{id}", Hidden(CRM_VIEWERS)),
    door("PUT", "/api/v1/customers/{id}", Roles(SELLERS)),
    door("POST", "/api/v1/customers/{id}/deactivate", Roles(SELLERS)),
    door("POST", "/api/v1/customers/{id}/contacts", Roles(SELLERS)),
    door("DELETE", "/api/v1/customers/{id}/contacts/{contact_id}", Roles(SELLERS)),
    door("GET", "/api/v1/customers/{id}/activities", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/customers/{id}/activities", Roles(CRM_VIEWERS)),
    door("GET", "/api/v1/activities/follow-ups", Roles(CRM_VIEWERS)),
    door("GET", "/api/v1/leads", Roles(LEAD_ROLES)),
    door("POST", "/api/v1/leads", Roles(LEAD_ROLES)),
    door("GET", "/api/v1/leads/{id}", Hidden(LEAD_ROLES)),
    door("PUT", "/api/v1/leads/{id}", Roles(LEAD_ROLES)),
    door("POST", "/api/v1/leads/{id}/assign", Roles(LEAD_ROLES)),
    door("POST", "/api/v1/leads/{id}/convert", Roles(SELLERS)),
    door("POST", "/api/v1/leads/{id}/disqualify", Roles(LEAD_ROLES)),
    // Finance sees customers and orders (it collects the money, and logs its collection calls as
    // activities), not opportunities and quotations.
    door("GET", "/api/v1/opportunities", Roles(SELLING_VIEWERS)),
    door("GET", "/api/v1/opportunities/funnel", Roles(SELLING_VIEWERS)),
    door("GET", "/api/v1/opportunities/{id}", Hidden(SELLING_VIEWERS)),
    door("POST", "/api/v1/opportunities", Roles(SELLERS)),
    door("PUT", "/api/v1/opportunities/{id}", Roles(SELLERS)),
    door("POST", "/api/v1/opportunities/{id}/stage", Roles(SELLERS)),
    // crm: prices.
    door("GET", "/api/v1/price-list", Authenticated),
    door("PUT", "/api/v1/price-list/{item_id}/{currency}", Roles(PRICE_SETTERS)),
    // crm: quotations.
    door("GET", "/api/v1/quotations", Roles(SELLING_VIEWERS)),
    door("POST", "/api/v1/quotations", Roles(SELLERS)),
    door("GET", "/api/v1/quotations/{id}", Hidden(SELLING_VIEWERS)),
    door("PUT", "/api/v1/quotations/{id}", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/submit", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/approve", Approver),
    door("POST", "/api/v1/quotations/{id}/reject", Approver),
    door("POST", "/api/v1/quotations/{id}/send", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/accept", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/decline", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/cancel", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/revise", Roles(SELLERS)),
    door("POST", "/api/v1/quotations/{id}/order", Roles(SELLERS)),
    // crm: sales orders and what hangs off them.
    door("GET", "/api/v1/orders", Roles(CRM_VIEWERS)),
    door("POST", "/api/v1/orders", Roles(SELLERS)),
    door("GET", "/api/v1/orders/{id}", Hidden(CRM_VIEWERS)),
    door("PUT", "/api/v1/orders/{id}", Roles(SELLERS)),
    door("PUT", "/api/v1/orders/{id}/review", Roles(SELLERS)),
    door("POST", "/api/v1/orders/{id}/submit", Roles(SELLERS)),
    door("POST", "/api/v1/orders/{id}/approve", Approver),
    door("POST", "/api/v1/orders/{id}/reject", Approver),
    door("POST", "/api/v1/orders/{id}/cancel", Roles(SELLERS)),
    door("GET", "/api/v1/orders/{id}/progress", Hidden(CRM_VIEWERS)),
    door("GET", "/api/v1/orders/{id}/change-requests", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/orders/{id}/change-requests", Roles(SELLERS)),
    door("PUT", "/api/v1/change-requests/{id}/review", Roles(SELLERS)),
    door("POST", "/api/v1/change-requests/{id}/submit", Roles(SELLERS)),
    door("POST", "/api/v1/change-requests/{id}/approve", Approver),
    door("POST", "/api/v1/change-requests/{id}/reject", Approver),
    door("POST", "/api/v1/change-requests/{id}/cancel", Roles(SELLERS)),
    door("GET", "/api/v1/orders/{id}/payment-plan", Hidden(CRM_VIEWERS)),
    door("PUT", "/api/v1/orders/{id}/payment-plan", Roles(SELLERS)),
    door("GET", "/api/v1/orders/{id}/receipts", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/orders/{id}/receipts", Roles(SELLERS)),
    door("GET", "/api/v1/receipts", Roles(CRM_VIEWERS)),
    door("GET", "/api/v1/receipts/{id}", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/receipts/{id}/confirm", Roles(FINANCE_MANAGER)),
    door("POST", "/api/v1/receipts/{id}/reject", Roles(FINANCE_MANAGER)),
    door("GET", "/api/v1/orders/{id}/outbound-requests", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/orders/{id}/outbound-requests", Roles(SELLERS)),
    door("GET", "/api/v1/outbound-requests/{id}", Hidden(CRM_VIEWERS)),
    door("GET", "/api/v1/orders/{id}/shipments", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/orders/{id}/shipments", Roles(SELLERS)),
    door("GET", "/api/v1/shipments/{id}", Hidden(CRM_VIEWERS)),
    door("POST", "/api/v1/shipments/{id}/deliver", Roles(SELLERS)),
];

/// The service's doors, with those of the shared endpoints it serves.
pub fn doors() -> Vec<Door> {
    [erp_directory::DOORS, erp_catalogue::DOORS, erp_approval::DOORS, OWN].concat()
}
