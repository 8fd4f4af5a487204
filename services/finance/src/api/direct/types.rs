//! What the direct entry endpoints answer.

use crate::db::direct::DirectEntryRow;
use crate::domain::states::DirectStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectEntry {
    pub id: Uuid,
    pub number: String,
    /// `income` or `expense`.
    pub kind: String,
    /// The income or expense account (the other side is cash or bank).
    pub account_code: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// `cash` (111) or `bank` (112).
    pub via: String,
    pub entry_date: NaiveDate,
    pub memo: String,
    /// `pending_review`, `posted` or `rejected`.
    #[schema(value_type = String)]
    pub status: DirectStatus,
    pub created_by: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
    pub journal_entry_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DirectEntryRow> for DirectEntry {
    fn from(d: DirectEntryRow) -> Self {
        DirectEntry {
            id: d.id,
            number: d.number,
            kind: d.kind,
            account_code: d.account_code,
            amount: d.amount,
            currency: d.currency,
            via: d.via,
            entry_date: d.entry_date,
            memo: d.memo,
            status: d.status,
            created_by: d.created_by,
            reviewed_by: d.reviewed_by,
            reviewed_at: d.reviewed_at,
            review_comment: d.review_comment,
            journal_entry_id: d.journal_entry_id,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectQuery {
    /// `pending_review` (the finance manager's work list), `posted` or `rejected`.
    #[param(value_type = Option<DirectStatus>, inline)]
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectEntryPage {
    pub items: Vec<DirectEntry>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<DirectEntryRow>> for DirectEntryPage {
    fn from(p: Page<DirectEntryRow>) -> Self {
        let p = p.map(DirectEntry::from);
        DirectEntryPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
