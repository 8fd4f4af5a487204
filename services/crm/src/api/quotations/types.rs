//! What the quotation endpoints answer.

use crate::app::quotations::QuotationView;
use crate::db::quotations::{QuotationLineRow, QuotationRow};
use crate::domain::documents::QuotationStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct Quotation {
    pub id: Uuid,
    pub number: String,
    pub revision: i32,
    pub previous_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: String,
    pub valid_until: NaiveDate,
    pub payment_terms: String,
    pub payment_days: i32,
    /// `draft`, `pending_approval`, `approved`, `sent`, `accepted`, `rejected`, `expired`, `cancelled`.
    #[schema(value_type = String)]
    pub status: QuotationStatus,
    pub notes: Option<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<QuotationRow> for Quotation {
    fn from(q: QuotationRow) -> Self {
        Quotation {
            id: q.id,
            number: q.number,
            revision: q.revision,
            previous_id: q.previous_id,
            customer_id: q.customer_id,
            owner_id: q.owner_id,
            department_id: q.department_id,
            currency: q.currency,
            valid_until: q.valid_until,
            payment_terms: q.payment_terms,
            payment_days: q.payment_days,
            status: q.status,
            notes: q.notes,
            net: q.net,
            tax: q.tax,
            total: q.total,
            margin_pct: q.margin_pct,
            below_floor: q.below_floor,
            approval_request_id: q.approval_request_id,
            created_by: q.created_by,
            version: q.version,
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationLine {
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
}

impl From<QuotationLineRow> for QuotationLine {
    fn from(l: QuotationLineRow) -> Self {
        QuotationLine {
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
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationDetail {
    #[serde(flatten)]
    pub quotation: Quotation,
    pub lines: Vec<QuotationLine>,
}

impl From<QuotationView> for QuotationDetail {
    fn from(v: QuotationView) -> Self {
        QuotationDetail {
            quotation: v.quotation.into(),
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuotationQuery {
    #[param(value_type = Option<QuotationStatus>, inline)]
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationPage {
    pub items: Vec<Quotation>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<QuotationRow>> for QuotationPage {
    fn from(p: Page<QuotationRow>) -> Self {
        let p = p.map(Quotation::from);
        QuotationPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
