//! What crm consumes: the employee directory, the item catalogue and customers' open
//! receivables; each kept locally so quoting and credit checks never call another service.

pub mod fulfilment;

use diesel::prelude::*;
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::finance::CustomerBalanceChanged;
use erp_contracts::warehouse::ItemChanged;

pub fn subscriptions() -> Subscriptions {
    erp_directory::subscriptions()
        .on::<ItemChanged, _>(item_changed)
        .on::<CustomerBalanceChanged, _>(balance_changed)
        .on::<erp_contracts::warehouse::OutboundConfirmed, _>(fulfilment::outbound_confirmed)
}

/// Keeps the newest revision of each item (a late redelivery cannot undo a newer change).
fn item_changed(conn: &mut PgConnection, _env: &Envelope, e: ItemChanged) -> Result<(), HandlerError> {
    use diesel::sql_types::{Bool, Int8, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid};
    diesel::sql_query(
        "INSERT INTO catalogue_items (item_id, sku, name, specification, unit, kind, standard_cost, active, revision, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (item_id) DO UPDATE SET sku = excluded.sku, name = excluded.name, \
           specification = excluded.specification, unit = excluded.unit, kind = excluded.kind, \
           standard_cost = excluded.standard_cost, active = excluded.active, revision = excluded.revision, \
           updated_at = excluded.updated_at \
         WHERE catalogue_items.revision < excluded.revision",
    )
    .bind::<SqlUuid, _>(e.item_id)
    .bind::<Text, _>(&e.sku)
    .bind::<Text, _>(&e.name)
    .bind::<Nullable<Text>, _>(&e.specification)
    .bind::<Text, _>(&e.unit)
    .bind::<Text, _>(&e.kind)
    .bind::<Numeric, _>(e.standard_cost)
    .bind::<Bool, _>(e.active)
    .bind::<Int8, _>(e.revision)
    .bind::<Timestamptz, _>(e.changed_at)
    .execute(conn)?;
    Ok(())
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
