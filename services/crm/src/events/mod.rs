//! What crm consumes: the employee directory, the item catalogue, customers' open receivables,
//! the warehouse's issues and finance's invoices; each kept locally so quoting and credit checks never call another service.

pub mod fulfilment;
pub mod invoicing;

use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::finance::CustomerBalanceChanged;

pub fn subscriptions() -> Subscriptions {
    erp_catalogue::subscribe(erp_directory::subscriptions())
        .on::<CustomerBalanceChanged, _>(balance_changed)
        .on::<erp_contracts::warehouse::OutboundConfirmed, _>(fulfilment::outbound_confirmed)
        .on::<erp_contracts::finance::InvoiceIssued, _>(invoicing::invoice_issued)
}

fn balance_changed(conn: &mut PgConnection, _env: &Envelope, e: CustomerBalanceChanged) -> Result<(), HandlerError> {
    Ok(crate::app::balances::balance_changed(conn, &e)?)
}
