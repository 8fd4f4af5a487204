//! What crm consumes: the employee directory, the item catalogue, customers' open receivables,
//! the warehouse's issues and finance's invoices; each kept locally so quoting and credit checks never call another service.

pub mod fulfilment;
pub mod invoicing;

use diesel::prelude::*;
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::finance::CustomerBalanceChanged;

pub fn subscriptions() -> Subscriptions {
    erp_catalogue::subscribe(erp_directory::subscriptions())
        .on::<CustomerBalanceChanged, _>(balance_changed)
        .on::<erp_contracts::warehouse::OutboundConfirmed, _>(fulfilment::outbound_confirmed)
        .on::<erp_contracts::finance::InvoiceIssued, _>(invoicing::invoice_issued)
}

fn balance_changed(conn: &mut PgConnection, _env: &Envelope, e: CustomerBalanceChanged) -> Result<(), HandlerError> {
    use diesel::sql_types::{Int8, Numeric, Text, Timestamptz, Uuid as SqlUuid};
    diesel::sql_query(
        "INSERT INTO customer_balances (customer_id, currency, open_amount, overdue_amount, revision, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (customer_id) DO UPDATE SET currency = excluded.currency, open_amount = excluded.open_amount, \
           overdue_amount = excluded.overdue_amount, revision = excluded.revision, updated_at = excluded.updated_at \
         WHERE customer_balances.revision < excluded.revision",
    )
    .bind::<SqlUuid, _>(e.customer_id)
    .bind::<Text, _>(&e.currency)
    .bind::<Numeric, _>(e.open_amount)
    .bind::<Numeric, _>(e.overdue_amount)
    .bind::<Int8, _>(e.revision)
    .bind::<Timestamptz, _>(e.changed_at)
    .execute(conn)?;
    Ok(())
}
