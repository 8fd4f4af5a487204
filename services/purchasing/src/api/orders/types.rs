//! What the purchase order endpoints answer.

use crate::app::orders::OrderView;
use crate::db::orders::{OrderLineRow, OrderRow};
use crate::domain::orders::OrderStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_approval::ApprovalDetail;
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseOrder {
    pub id: Uuid,
    pub number: String,
    pub supplier_id: Uuid,
    pub request_id: Option<Uuid>,
    pub quotation_id: Option<Uuid>,
    pub currency: String,
    /// `draft`, `pending_approval`, `approved`, `rejected`, `sent`, `partially_received`,
    /// `received`, `closed` or `cancelled`.
    #[schema(value_type = String)]
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    pub expected_arrival: Option<NaiveDate>,
    pub payment_terms: String,
    pub payment_days: i32,
    /// Where the goods are to arrive (the default warehouse when absent).
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    /// The purchaser responsible.
    pub buyer_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// When the arrival reminder went out.
    pub reminded_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrderRow> for PurchaseOrder {
    fn from(o: OrderRow) -> Self {
        PurchaseOrder {
            id: o.id,
            number: o.number,
            supplier_id: o.supplier_id,
            request_id: o.request_id,
            quotation_id: o.quotation_id,
            currency: o.currency,
            status: o.status,
            order_date: o.order_date,
            expected_arrival: o.expected_arrival,
            payment_terms: o.payment_terms,
            payment_days: o.payment_days,
            warehouse_id: o.warehouse_id,
            note: o.note,
            net: o.net,
            tax: o.tax,
            total: o.total,
            approval_request_id: o.approval_request_id,
            created_by: o.created_by,
            buyer_id: o.buyer_id,
            department_id: o.department_id,
            reminded_at: o.reminded_at,
            version: o.version,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderLine {
    pub id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub request_line_id: Option<Uuid>,
    pub description: String,
    pub unit: String,
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
    pub expected_arrival: Option<NaiveDate>,
    /// Announced to the warehouse on arrival requests.
    #[schema(value_type = String)]
    pub arrived: Decimal,
    /// Confirmed by the warehouse keeper.
    #[schema(value_type = String)]
    pub received: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

impl From<OrderLineRow> for OrderLine {
    fn from(l: OrderLineRow) -> Self {
        OrderLine {
            id: l.id,
            line_no: l.line_no,
            item_id: l.item_id,
            request_line_id: l.request_line_id,
            description: l.description,
            unit: l.unit,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_rate: l.tax_rate,
            net: l.net,
            tax: l.tax,
            total: l.total,
            expected_arrival: l.expected_arrival,
            arrived: l.arrived,
            received: l.received,
            invoiced: l.invoiced,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: PurchaseOrder,
    pub supplier_code: String,
    pub supplier_name: String,
    pub lines: Vec<OrderLine>,
    /// The latest approval request: steps, decisions and comments.
    pub approval: Option<ApprovalDetail>,
}

impl From<OrderView> for OrderDetail {
    fn from(v: OrderView) -> Self {
        OrderDetail {
            order: v.order.into(),
            supplier_code: v.supplier_code,
            supplier_name: v.supplier_name,
            lines: v.lines.into_iter().map(Into::into).collect(),
            approval: v.approval,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOrders {
    /// One order per supplier.
    pub orders: Vec<OrderDetail>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    #[param(value_type = Option<OrderStatus>, inline)]
    pub status: Option<String>,
    pub supplier_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<PurchaseOrder>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<OrderRow>> for OrderPage {
    fn from(p: Page<OrderRow>) -> Self {
        let p = p.map(PurchaseOrder::from);
        OrderPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
