//! What the supplier invoice endpoints answer.

use crate::app::invoices::InvoiceView;
use crate::db::invoices::{InvoiceLineRow, InvoiceRow};
use crate::domain::settlement::InvoiceStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierInvoice {
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    /// The supplier's number.
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    /// The invoice date plus the order's payment days.
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// `matched`, `blocked` (differences wait for a purchasing manager), `accepted` or `rejected`.
    #[schema(value_type = String)]
    pub status: InvoiceStatus,
    /// Why the invoice was blocked: one sentence per difference, naming the line.
    #[schema(value_type = Vec<String>)]
    pub mismatches: serde_json::Value,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

impl From<InvoiceRow> for SupplierInvoice {
    fn from(i: InvoiceRow) -> Self {
        SupplierInvoice {
            id: i.id,
            order_id: i.order_id,
            order_number: i.order_number,
            supplier_id: i.supplier_id,
            invoice_number: i.invoice_number,
            invoice_date: i.invoice_date,
            due_date: i.due_date,
            currency: i.currency,
            net: i.net,
            tax: i.tax,
            total: i.total,
            status: i.status,
            mismatches: i.mismatches,
            recorded_by: i.recorded_by,
            created_at: i.created_at,
            decided_by: i.decided_by,
            decided_at: i.decided_at,
            decision_comment: i.decision_comment,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierInvoiceLine {
    pub id: Uuid,
    pub line_no: i32,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The order line's unit price the line was matched against.
    #[schema(value_type = String)]
    pub order_price: Decimal,
    /// Received and not yet invoiced when the invoice came in.
    #[schema(value_type = String)]
    pub open_quantity: Decimal,
}

impl From<InvoiceLineRow> for SupplierInvoiceLine {
    fn from(l: InvoiceLineRow) -> Self {
        SupplierInvoiceLine {
            id: l.id,
            line_no: l.line_no,
            order_line_id: l.order_line_id,
            item_id: l.item_id,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_rate: l.tax_rate,
            net: l.net,
            tax: l.tax,
            total: l.total,
            order_price: l.order_price,
            open_quantity: l.open_quantity,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceDecision {
    /// Why the differences are accepted, or why the invoice is rejected.
    pub comment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDetail {
    #[serde(flatten)]
    pub invoice: SupplierInvoice,
    pub lines: Vec<SupplierInvoiceLine>,
}

impl From<InvoiceView> for InvoiceDetail {
    fn from(v: InvoiceView) -> Self {
        InvoiceDetail {
            invoice: v.invoice.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// `matched`, `blocked` (the purchasing manager's work list), `accepted` or `rejected`.
    #[param(value_type = Option<InvoiceStatus>, inline)]
    pub status: Option<String>,
    pub order_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<SupplierInvoice>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<InvoiceRow>> for InvoicePage {
    fn from(p: Page<InvoiceRow>) -> Self {
        let p = p.map(SupplierInvoice::from);
        InvoicePage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
