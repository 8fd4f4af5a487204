//! Response types more than one resource of the API shows.

use crate::db::quotations::SelectionRow;
use crate::domain::quotations::SelectionStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationSelection {
    pub request_id: Uuid,
    pub chosen_quotation_id: Uuid,
    /// Why fewer than three quotations were collected; the reviewer sees it.
    pub fewer_quotes_reason: Option<String>,
    pub note: Option<String>,
    /// `pending_review`, `approved` or `rejected`.
    #[schema(value_type = String)]
    pub status: SelectionStatus,
    pub approval_request_id: Option<Uuid>,
    pub submitted_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SelectionRow> for QuotationSelection {
    fn from(r: SelectionRow) -> Self {
        QuotationSelection {
            request_id: r.request_id,
            chosen_quotation_id: r.chosen_quotation_id,
            fewer_quotes_reason: r.fewer_quotes_reason,
            note: r.note,
            status: r.status,
            approval_request_id: r.approval_request_id,
            submitted_by: r.submitted_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
