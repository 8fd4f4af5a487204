//! hr's events. It consumes none; it publishes `hr.employee.changed` after every create or
//! change of an employee, in the same transaction as the change (through the outbox), from
//! `app::employees::publish_changed`.

use erp_bus::Subscriptions;

/// What hr consumes: nothing.
pub fn subscriptions() -> Subscriptions {
    Subscriptions::new()
}
