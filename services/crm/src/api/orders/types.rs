//! What the sales order endpoints answer.

use crate::app::orders::OrderView;
use crate::db::reviews::ReviewRow;
use crate::db::sales_orders::{OrderLineRow, SalesOrderRow};
use crate::domain::documents::OrderStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct SalesOrder {
    pub id: Uuid,
    pub number: String,
    pub quotation_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: String,
    /// `draft`, `pending_approval`, `approved`, `rejected`, `in_fulfilment`, `completed`, `cancelled`.
    #[schema(value_type = String)]
    pub status: OrderStatus,
    pub order_date: NaiveDate,
    pub payment_terms: String,
    pub payment_days: i32,
    /// The seller's details on the contract (name, address, bank, account, tax number, phone).
    #[schema(value_type = Object)]
    pub seller: serde_json::Value,
    /// The buyer's details on the contract.
    #[schema(value_type = Object)]
    pub buyer: serde_json::Value,
    /// Contract terms: quality, delivery place and method, transport, packaging, settlement,
    /// breach liability, dispute resolution, other.
    #[schema(value_type = Object)]
    pub terms: serde_json::Value,
    /// References to attached files (signed scans, drawings).
    pub attachments: Vec<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The total in words: Chinese upper case for CNY, Vietnamese for VND, English otherwise.
    pub total_in_words: String,
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SalesOrderRow> for SalesOrder {
    fn from(o: SalesOrderRow) -> Self {
        SalesOrder {
            id: o.id,
            number: o.number,
            quotation_id: o.quotation_id,
            customer_id: o.customer_id,
            owner_id: o.owner_id,
            department_id: o.department_id,
            currency: o.currency,
            status: o.status,
            order_date: o.order_date,
            payment_terms: o.payment_terms,
            payment_days: o.payment_days,
            seller: o.seller,
            buyer: o.buyer,
            terms: o.terms,
            attachments: o.attachments,
            net: o.net,
            tax: o.tax,
            total: o.total,
            total_in_words: o.total_in_words,
            margin_pct: o.margin_pct,
            below_floor: o.below_floor,
            approval_request_id: o.approval_request_id,
            created_by: o.created_by,
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
    pub description: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub discount_pct: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = Option<String>)]
    pub floor_price: Option<Decimal>,
    pub delivery_date: Option<NaiveDate>,
    /// Asked of the warehouse so far.
    #[schema(value_type = String)]
    pub requested: Decimal,
    /// Left the warehouse.
    #[schema(value_type = String)]
    pub issued: Decimal,
    #[schema(value_type = String)]
    pub shipped: Decimal,
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

impl From<OrderLineRow> for OrderLine {
    fn from(l: OrderLineRow) -> Self {
        OrderLine {
            id: l.id,
            line_no: l.line_no,
            item_id: l.item_id,
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price,
            discount_pct: l.discount_pct,
            tax_rate: l.tax_rate,
            net: l.net,
            tax: l.tax,
            total: l.total,
            floor_price: l.floor_price,
            delivery_date: l.delivery_date,
            requested: l.requested,
            issued: l.issued,
            shipped: l.shipped,
            invoiced: l.invoiced,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItem {
    /// A to I (seed 002 checklist).
    pub item: String,
    /// `pass`, `fail` or `not_applicable`.
    pub result: String,
    pub note: Option<String>,
    pub reviewed_by: String,
    pub reviewed_at: DateTime<Utc>,
}

impl From<ReviewRow> for ReviewItem {
    fn from(r: ReviewRow) -> Self {
        ReviewItem {
            item: r.item,
            result: r.result,
            note: r.note,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: SalesOrder,
    pub lines: Vec<OrderLine>,
    pub review: Vec<ReviewItem>,
}

impl From<OrderView> for OrderDetail {
    fn from(v: OrderView) -> Self {
        OrderDetail {
            order: v.order.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
            review: v.review.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    #[param(value_type = Option<OrderStatus>, inline)]
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<SalesOrder>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<SalesOrderRow>> for OrderPage {
    fn from(p: Page<SalesOrderRow>) -> Self {
        let p = p.map(SalesOrder::from);
        OrderPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
