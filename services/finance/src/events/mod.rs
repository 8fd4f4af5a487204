//! What finance consumes: the employee directory, and the business events it books. Every
//! posting records its event's id (unique), so a replay posts nothing twice even past the
//! platform inbox.

pub mod purchases;
pub mod sales;
pub mod stock;

use crate::db::ledger::{self, NewEntry, PostMeta};
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::{crm, purchasing, warehouse};

pub fn subscriptions() -> Subscriptions {
    erp_directory::subscriptions()
        .on::<crm::OrderApproved, _>(sales::order_approved)
        .on::<crm::OrderChanged, _>(sales::order_changed)
        .on::<crm::ShipmentDelivered, _>(sales::shipment_delivered)
        .on::<crm::OutboundRequested, _>(sales::outbound_requested)
        .on::<crm::ReceiptConfirmed, _>(sales::receipt_confirmed)
        .on::<warehouse::OutboundConfirmed, _>(stock::outbound_confirmed)
        .on::<warehouse::InboundConfirmed, _>(stock::inbound_confirmed)
        .on::<warehouse::StockAdjusted, _>(stock::stock_adjusted)
        .on::<purchasing::OrderApproved, _>(purchases::order_approved)
        .on::<purchasing::InvoiceReceived, _>(purchases::invoice_received)
        .on::<purchasing::PaymentRequested, _>(purchases::payment_requested)
}

/// Posts `entry` from `env` unless that event was posted already (then `false`). An entry dated
/// in a closed period is posted today instead, as a late entry of the open period.
pub(crate) fn post_from(conn: &mut PgConnection, env: &Envelope, mut entry: NewEntry) -> Result<bool, HandlerError> {
    if ledger::posted_for_event(conn, env.id)? {
        tracing::info!(event = %env.id, "event already posted; ignored");
        return Ok(false);
    }
    let period = ledger::period_of(entry.date);
    if ledger::is_closed(conn, &period)? {
        let today = erp_calendar::today();
        tracing::warn!(event = %env.id, %period, %today, "event dated in a closed period; posted today");
        entry.memo = format!("{} (dated {}, period {period} closed)", entry.memo, entry.date);
        entry.date = today;
    }
    ledger::post(conn, entry, &PostMeta::event(env))?;
    Ok(true)
}
