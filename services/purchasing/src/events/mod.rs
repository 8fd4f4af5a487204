//! What purchasing consumes: the employee directory, the item catalogue, and (added by the
//! modules that need them) warehouse's shortages and receipts and finance's payments.

pub mod settlement;
pub mod shortage;

use erp_bus::Subscriptions;

pub fn subscriptions() -> Subscriptions {
    erp_catalogue::subscribe(erp_directory::subscriptions())
        .on::<erp_contracts::warehouse::InboundConfirmed, _>(settlement::inbound_confirmed)
        .on::<erp_contracts::finance::PaymentMade, _>(settlement::payment_made)
        .on::<erp_contracts::warehouse::StockShortage, _>(shortage::stock_shortage)
}
