//! finance's sales invoices (`finance.invoice.issued`), counted into the order lines' invoiced
//! quantities by `app::invoicing`, once per invoice whatever the redeliveries.

use crate::app::invoicing;
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::finance::InvoiceIssued;

pub fn invoice_issued(conn: &mut PgConnection, env: &Envelope, e: InvoiceIssued) -> Result<(), HandlerError> {
    Ok(invoicing::invoice_issued(conn, env.id, &e)?)
}
