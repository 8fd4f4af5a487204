//! What the sales invoice endpoints answer.

use crate::db::sales::{InvoiceLineRow, InvoiceView, SalesOrderLineRow, SalesOrderRow, SalesOrderView};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesInvoiceLine {
    pub line_no: i32,
    pub order_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
}

impl From<InvoiceLineRow> for SalesInvoiceLine {
    fn from(l: InvoiceLineRow) -> Self {
        SalesInvoiceLine {
            line_no: l.line_no,
            order_line_id: l.order_line_id,
            item_id: l.item_id,
            quantity: l.quantity,
            unit_price: l.unit_price,
            net: l.net,
            tax: l.tax,
        }
    }
}

/// An issued sales invoice. Never changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesInvoice {
    pub id: Uuid,
    /// `INV-<year>-<nnnnnn>`, without gaps within a year.
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    /// The order's salesperson.
    pub owner_id: Uuid,
    pub currency: String,
    pub issue_date: NaiveDate,
    /// Issue date plus the order's payment days.
    pub due_date: NaiveDate,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub memo: Option<String>,
    /// The posting Dr 131 / Cr 511 / Cr 33311.
    pub journal_entry_id: Uuid,
    pub issued_by: String,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<SalesInvoiceLine>,
}

impl From<InvoiceView> for SalesInvoice {
    fn from(v: InvoiceView) -> Self {
        let r = v.invoice;
        SalesInvoice {
            id: r.id,
            number: r.number,
            order_id: r.order_id,
            order_number: v.order_number,
            customer_id: r.customer_id,
            customer_name: v.customer_name,
            owner_id: r.owner_id,
            currency: r.currency,
            issue_date: r.issue_date,
            due_date: r.due_date,
            net: r.net,
            tax: r.tax,
            total: r.total,
            memo: r.memo,
            journal_entry_id: r.journal_entry_id,
            issued_by: r.issued_by,
            created_at: r.created_at,
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOrder {
    pub order_id: Uuid,
    pub order_number: String,
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    /// The salesperson who owns the order.
    pub owner_id: Uuid,
    pub currency: String,
    pub payment_days: i32,
    pub order_date: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

impl From<SalesOrderRow> for SalesOrder {
    fn from(o: SalesOrderRow) -> Self {
        SalesOrder {
            order_id: o.order_id,
            order_number: o.order_number,
            customer_id: o.customer_id,
            customer_name: o.customer_name,
            owner_id: o.owner_id,
            currency: o.currency,
            payment_days: o.payment_days,
            order_date: o.order_date,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOrderLine {
    pub line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    /// Signed for by the customer.
    #[schema(value_type = String)]
    pub delivered: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
    #[schema(value_type = String)]
    pub invoiced_net: Decimal,
    #[schema(value_type = String)]
    pub invoiced_tax: Decimal,
}

impl From<SalesOrderLineRow> for SalesOrderLine {
    fn from(l: SalesOrderLineRow) -> Self {
        SalesOrderLine {
            line_id: l.line_id,
            item_id: l.item_id,
            quantity: l.quantity,
            unit_price: l.unit_price,
            net: l.net,
            tax: l.tax,
            delivered: l.delivered,
            invoiced: l.invoiced,
            invoiced_net: l.invoiced_net,
            invoiced_tax: l.invoiced_tax,
        }
    }
}

/// A sales order with its lines: what can still be invoiced.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SalesOrderView)]
pub struct SalesOrderDetail {
    #[serde(flatten)]
    pub order: SalesOrder,
    pub lines: Vec<SalesOrderLine>,
}

impl From<SalesOrderView> for SalesOrderDetail {
    fn from(v: SalesOrderView) -> Self {
        SalesOrderDetail {
            order: v.order.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    /// First issue date included.
    pub from: Option<NaiveDate>,
    /// Last issue date included.
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<SalesInvoice>,
    pub next_cursor: Option<String>,
}
