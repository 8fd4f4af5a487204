//! What the purchase request endpoints answer.

use crate::api::types::QuotationSelection;
use crate::app::requests::RequestView;
use crate::db::requests::{RequestLineRow, RequestRow};
use crate::domain::requests::RequestStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseRequest {
    pub id: Uuid,
    pub number: String,
    /// `manual`, `stock_shortage`, `production_shortage`, `technical_spec` or `project`.
    pub source: String,
    /// What the request came from (the shortage's note and line, the project…).
    #[schema(value_type = Object)]
    pub source_ref: serde_json::Value,
    /// `draft`, `pending_approval`, `approved`, `ordered`, `rejected` or `cancelled`.
    #[schema(value_type = String)]
    pub status: RequestStatus,
    pub requested_by: String,
    pub requester_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub approval_request_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<RequestRow> for PurchaseRequest {
    fn from(r: RequestRow) -> Self {
        PurchaseRequest {
            id: r.id,
            number: r.number,
            source: r.source,
            source_ref: r.source_ref,
            status: r.status,
            requested_by: r.requested_by,
            requester_id: r.requester_id,
            department_id: r.department_id,
            needed_by: r.needed_by,
            note: r.note,
            approval_request_id: r.approval_request_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestLine {
    pub id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    /// Already on purchase orders.
    #[schema(value_type = String)]
    pub ordered: Decimal,
}

impl From<RequestLineRow> for RequestLine {
    fn from(l: RequestLineRow) -> Self {
        RequestLine {
            id: l.id,
            line_no: l.line_no,
            item_id: l.item_id,
            quantity: l.quantity,
            needed_by: l.needed_by,
            note: l.note,
            ordered: l.ordered,
        }
    }
}

/// A request line with the item as the catalogue knows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestLineView {
    #[serde(flatten)]
    pub line: RequestLine,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    /// Still to be put on purchase orders.
    #[schema(value_type = String)]
    pub open_quantity: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: PurchaseRequest,
    pub lines: Vec<RequestLineView>,
    /// The supplier chosen from the quotations, once proposed.
    pub selection: Option<QuotationSelection>,
}

impl From<RequestView> for RequestDetail {
    fn from(v: RequestView) -> Self {
        let items = v.items;
        RequestDetail {
            request: v.request.into(),
            lines: v
                .lines
                .into_iter()
                .map(|line| {
                    let item = items.get(&line.item_id);
                    RequestLineView {
                        sku: item.map(|i| i.sku.clone()),
                        name: item.map(|i| i.name.clone()),
                        unit: item.map(|i| i.unit.clone()),
                        open_quantity: (line.quantity - line.ordered).max(Decimal::ZERO),
                        line: line.into(),
                    }
                })
                .collect(),
            selection: v.selection.map(Into::into),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    #[param(value_type = Option<RequestStatus>, inline)]
    pub status: Option<String>,
    #[param(schema_with = source_schema)]
    pub source: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<PurchaseRequest>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<RequestRow>> for RequestPage {
    fn from(p: Page<RequestRow>) -> Self {
        let p = p.map(PurchaseRequest::from);
        RequestPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

/// The sources a purchase request may come from, as the `source` filter's schema.
fn source_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(crate::domain::requests::ALL_SOURCES))
        .build()
}
