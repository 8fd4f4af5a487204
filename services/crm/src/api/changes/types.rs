//! What the change request endpoints answer.

use crate::db::changes::ChangeRow;
use crate::domain::documents::ChangeStatus;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequest {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub reason: String,
    /// The changes as proposed.
    #[schema(value_type = Object)]
    pub proposed: serde_json::Value,
    /// The change review (items A–I with result and note).
    #[schema(value_type = Object)]
    pub review: serde_json::Value,
    /// `draft`, `pending_approval`, `approved`, `rejected` or `cancelled`.
    #[schema(value_type = String)]
    pub status: ChangeStatus,
    /// The order's totals if the change is applied.
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub below_floor: bool,
    #[schema(value_type = Option<String>)]
    pub margin_pct: Option<Decimal>,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ChangeRow> for ChangeRequest {
    fn from(c: ChangeRow) -> Self {
        ChangeRequest {
            id: c.id,
            number: c.number,
            order_id: c.order_id,
            reason: c.reason,
            proposed: c.proposed,
            review: c.review,
            status: c.status,
            net: c.net,
            tax: c.tax,
            total: c.total,
            below_floor: c.below_floor,
            margin_pct: c.margin_pct,
            approval_request_id: c.approval_request_id,
            created_by: c.created_by,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}
