//! finance's sales invoices: `finance.invoice.issued` adds the invoiced quantities to the order
//! lines (what the order's progress shows as invoiced). An invoice is counted once, whatever the
//! redeliveries.

use crate::db::schema::{sales_order_lines, sales_orders};
use diesel::prelude::*;
use diesel::sql_types::{Date, Numeric, Text, Uuid as SqlUuid};
use erp_bus::{Envelope, HandlerError};
use erp_contracts::finance::InvoiceIssued;
use uuid::Uuid;

pub fn invoice_issued(conn: &mut PgConnection, env: &Envelope, e: InvoiceIssued) -> Result<(), HandlerError> {
    // The order first, as every order handler does: one lock order, no deadlocks.
    let Some(_) = sales_orders::table
        .find(e.order_id)
        .select(sales_orders::id)
        .for_update()
        .first::<Uuid>(conn)
        .optional()?
    else {
        tracing::warn!(event = %env.id, invoice = %e.number, order = %e.order_id, "invoice for an unknown order; ignored");
        return Ok(());
    };
    let inserted = diesel::sql_query(
        "INSERT INTO order_invoices (invoice_id, number, order_id, currency, total, issue_date, due_date) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (invoice_id) DO NOTHING",
    )
    .bind::<SqlUuid, _>(e.invoice_id)
    .bind::<Text, _>(&e.number)
    .bind::<SqlUuid, _>(e.order_id)
    .bind::<Text, _>(&e.currency)
    .bind::<Numeric, _>(e.total)
    .bind::<Date, _>(e.issue_date)
    .bind::<Date, _>(e.due_date)
    .execute(conn)?;
    if inserted == 0 {
        tracing::info!(event = %env.id, invoice = %e.number, "invoice already counted; ignored");
        return Ok(());
    }
    for l in &e.lines {
        let n = diesel::update(
            sales_order_lines::table
                .filter(sales_order_lines::id.eq(l.order_line_id))
                .filter(sales_order_lines::order_id.eq(e.order_id)),
        )
        .set(sales_order_lines::invoiced.eq(sales_order_lines::invoiced + l.quantity))
        .execute(conn)?;
        if n == 0 {
            tracing::warn!(event = %env.id, invoice = %e.number, line = %l.order_line_id, "invoiced line is not a line of the order; ignored");
        }
    }
    Ok(())
}
