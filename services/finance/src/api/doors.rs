//! Who may call each of finance's operations (docs/security.md): the server refuses a caller
//! outside them before any handler runs, and the OpenAPI document states them, from this
//! one table.

use erp_auth::Access::{Approver, Roles};
use erp_auth::{Door, Role, door};

const BOOK_READERS: &[Role] = &super::READERS;
const FINANCE_MANAGER: &[Role] = &super::MANAGERS;
const MONEY_RECORDERS: &[Role] = &super::FINANCE;

#[rustfmt::skip]
const OWN: &[Door] = &[
    // finance: the books are read by cashier, finance_manager and general_manager; a denied
    // read of one record is a 403 given before the record is looked up.
    door("GET", "/api/v1/accounts", Roles(BOOK_READERS)),
    door("POST", "/api/v1/accounts", Roles(FINANCE_MANAGER)),
    door("PUT", "/api/v1/accounts/{code}", Roles(FINANCE_MANAGER)),
    door("GET", "/api/v1/journal", Roles(BOOK_READERS)),
    door("GET", "/api/v1/journal/{id}", Roles(BOOK_READERS)),
    door("POST", "/api/v1/journal", Roles(FINANCE_MANAGER)),
    door("POST", "/api/v1/journal/{id}/reverse", Roles(FINANCE_MANAGER)),
    door("GET", "/api/v1/direct-entries", Roles(BOOK_READERS)),
    door("GET", "/api/v1/direct-entries/{id}", Roles(BOOK_READERS)),
    door("POST", "/api/v1/direct-entries", Roles(MONEY_RECORDERS)),
    door("POST", "/api/v1/direct-entries/{id}/approve", Approver),
    door("POST", "/api/v1/direct-entries/{id}/reject", Approver),
    door("GET", "/api/v1/payments", Roles(BOOK_READERS)),
    door("GET", "/api/v1/payments/{id}", Roles(BOOK_READERS)),
    door("POST", "/api/v1/payments/{id}/pay", Roles(FINANCE_MANAGER)),
    door("GET", "/api/v1/periods", Roles(BOOK_READERS)),
    door("POST", "/api/v1/periods/{period}/close", Roles(FINANCE_MANAGER)),
    door("GET", "/api/v1/reports/trial-balance", Roles(BOOK_READERS)),
    door("GET", "/api/v1/reports/profit-and-loss", Roles(BOOK_READERS)),
    door("GET", "/api/v1/reports/receivables-aging", Roles(BOOK_READERS)),
    door("GET", "/api/v1/reports/payables-aging", Roles(BOOK_READERS)),
    door("GET", "/api/v1/reports/gross-margin", Roles(BOOK_READERS)),
    door("GET", "/api/v1/reports/vat", Roles(BOOK_READERS)),
    door("GET", "/api/v1/sales-invoices", Roles(BOOK_READERS)),
    door("GET", "/api/v1/sales-invoices/{id}", Roles(BOOK_READERS)),
    door("POST", "/api/v1/sales-invoices", Roles(MONEY_RECORDERS)),
    door("GET", "/api/v1/sales-orders/{id}", Roles(BOOK_READERS)),
];

/// The service's doors, with those of the shared endpoints it serves.
pub fn doors() -> Vec<Door> {
    [erp_directory::DOORS, erp_approval::DOORS, OWN].concat()
}
