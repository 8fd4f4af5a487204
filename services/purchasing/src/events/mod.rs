//! What purchasing consumes: the employee directory, the item catalogue, and (added by the
//! modules that need them) warehouse's shortages and receipts and finance's payments.

use erp_bus::Subscriptions;

pub fn subscriptions() -> Subscriptions {
    erp_catalogue::subscribe(erp_directory::subscriptions())
}
