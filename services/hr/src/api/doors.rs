//! Who may call each of hr's operations (docs/security.md): the server refuses a caller
//! outside them before any handler runs, and the OpenAPI document states them, from this
//! one table.

use erp_auth::Access::{Authenticated, Public, Roles};
use erp_auth::{Door, Role, door};

const HR_ADMIN: &[Role] = &[Role::HrAdmin];
const STAFFING: &[Role] = &[Role::HrAdmin, Role::GeneralManager];

#[rustfmt::skip]
const OWN: &[Door] = &[
    // hr
    door("POST", "/api/v1/auth/login", Public),
    door("POST", "/api/v1/auth/refresh", Public),
    door("POST", "/api/v1/auth/logout", Public),
    door("POST", "/api/v1/auth/token", Public),
    door("GET", "/api/v1/me", Authenticated),
    door("POST", "/api/v1/me/password", Authenticated),
    door("GET", "/api/v1/roles", Authenticated),
    door("GET", "/api/v1/api-keys", Roles(HR_ADMIN)),
    door("POST", "/api/v1/api-keys", Roles(HR_ADMIN)),
    door("POST", "/api/v1/api-keys/{id}/revoke", Roles(HR_ADMIN)),
    door("GET", "/api/v1/departments", Authenticated),
    door("GET", "/api/v1/departments/tree", Authenticated),
    door("GET", "/api/v1/departments/{id}", Authenticated),
    door("POST", "/api/v1/departments", Roles(HR_ADMIN)),
    door("PUT", "/api/v1/departments/{id}", Roles(HR_ADMIN)),
    door("GET", "/api/v1/employees", Authenticated),
    door("GET", "/api/v1/employees/{id}", Authenticated),
    door("POST", "/api/v1/employees", Roles(STAFFING)),
    door("PUT", "/api/v1/employees/{id}", Roles(STAFFING)),
    door("POST", "/api/v1/employees/{id}/activate", Roles(HR_ADMIN)),
    door("POST", "/api/v1/employees/{id}/deactivate", Roles(HR_ADMIN)),
    door("POST", "/api/v1/employees/{id}/password", Roles(HR_ADMIN)),
    door("POST", "/api/v1/employees/{id}/unlock", Roles(HR_ADMIN)),
    door("POST", "/api/v1/employees/republish", Roles(HR_ADMIN)),
];

/// The service's doors, with those of the shared endpoints it serves.
pub fn doors() -> Vec<Door> {
    OWN.to_vec()
}
