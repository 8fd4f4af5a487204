//! finance's sales invoices: `finance.invoice.issued` adds the invoiced quantities to the order
//! lines (what the order's progress shows as invoiced). An invoice is counted once, whatever the
//! redeliveries.

use crate::db::order_fulfilment::{NewOrderInvoice, add_invoiced, lock_order, record_invoice};
use diesel::PgConnection;
use erp_contracts::finance::InvoiceIssued;
use erp_problem::AppError;
use uuid::Uuid;

/// Counts the invoice into its order's lines; an unknown order, an invoice counted already and
/// lines of other orders are ignored (logged with `event`).
pub fn invoice_issued(c: &mut PgConnection, event: Uuid, e: &InvoiceIssued) -> Result<(), AppError> {
    // The order first, as every order handler does: one lock order, no deadlocks.
    if !lock_order(c, e.order_id)? {
        tracing::warn!(event = %event, invoice = %e.number, order = %e.order_id, "invoice for an unknown order; ignored");
        return Ok(());
    }
    let invoice = NewOrderInvoice {
        invoice_id: e.invoice_id,
        number: &e.number,
        order_id: e.order_id,
        currency: &e.currency,
        total: e.total,
        issue_date: e.issue_date,
        due_date: e.due_date,
    };
    if !record_invoice(c, &invoice)? {
        tracing::info!(event = %event, invoice = %e.number, "invoice already counted; ignored");
        return Ok(());
    }
    for l in &e.lines {
        if !add_invoiced(c, e.order_id, l.order_line_id, l.quantity)? {
            tracing::warn!(event = %event, invoice = %e.number, line = %l.order_line_id, "invoiced line is not a line of the order; ignored");
        }
    }
    Ok(())
}
