//! What finance keeps of purchasing's documents: approved orders (the supplier and terms
//! payables aging names) and matched supplier invoices.

use super::schema::{purchase_orders, supplier_invoices};
use diesel::prelude::*;
use erp_contracts::purchasing::{InvoiceReceived, OrderApproved};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;

/// Remembers (or refreshes) an approved purchase order.
pub fn upsert_order(conn: &mut PgConnection, e: &OrderApproved) -> Result<(), AppError> {
    diesel::insert_into(purchase_orders::table)
        .values((
            purchase_orders::order_id.eq(e.order_id),
            purchase_orders::number.eq(&e.number),
            purchase_orders::supplier_id.eq(e.supplier_id),
            purchase_orders::supplier_name.eq(&e.supplier_name),
            purchase_orders::currency.eq(&e.currency),
            purchase_orders::total.eq(e.total),
            purchase_orders::payment_days.eq(e.payment_days.max(0)),
        ))
        .on_conflict(purchase_orders::order_id)
        .do_update()
        .set((
            purchase_orders::supplier_name.eq(&e.supplier_name),
            purchase_orders::total.eq(e.total),
            purchase_orders::payment_days.eq(e.payment_days.max(0)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a booked supplier invoice (once).
pub fn insert_invoice(
    conn: &mut PgConnection,
    e: &InvoiceReceived,
    currency: Currency,
    net: Decimal,
    tax: Decimal,
) -> Result<(), AppError> {
    diesel::insert_into(supplier_invoices::table)
        .values((
            supplier_invoices::invoice_id.eq(e.invoice_id),
            supplier_invoices::invoice_number.eq(&e.invoice_number),
            supplier_invoices::order_id.eq(e.order_id),
            supplier_invoices::order_number.eq(&e.order_number),
            supplier_invoices::supplier_id.eq(e.supplier_id),
            supplier_invoices::currency.eq(currency.code()),
            supplier_invoices::invoice_date.eq(e.invoice_date),
            supplier_invoices::due_date.eq(e.due_date.unwrap_or(e.invoice_date)),
            supplier_invoices::net.eq(net),
            supplier_invoices::tax.eq(tax),
            supplier_invoices::total.eq(net + tax),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}
