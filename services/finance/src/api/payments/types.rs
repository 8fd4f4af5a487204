//! What the payment endpoints answer.

use crate::db::payments::PaymentRow;
use crate::domain::states::PaymentStatus;
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct Payment {
    pub id: Uuid,
    pub payment_request_id: Uuid,
    /// purchasing's payment request number.
    pub number: String,
    pub order_id: Uuid,
    pub order_number: String,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub supplier_bank_name: Option<String>,
    pub supplier_bank_account: Option<String>,
    /// `deposit`, `part` or `final`.
    pub kind: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub due_date: Option<NaiveDate>,
    /// `awaiting` or `paid`.
    #[schema(value_type = String)]
    pub status: PaymentStatus,
    pub paid_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub journal_entry_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PaymentRow> for Payment {
    fn from(p: PaymentRow) -> Self {
        Payment {
            id: p.id,
            payment_request_id: p.payment_request_id,
            number: p.number,
            order_id: p.order_id,
            order_number: p.order_number,
            supplier_id: p.supplier_id,
            supplier_name: p.supplier_name,
            supplier_bank_name: p.supplier_bank_name,
            supplier_bank_account: p.supplier_bank_account,
            kind: p.kind,
            currency: p.currency,
            amount: p.amount,
            due_date: p.due_date,
            status: p.status,
            paid_on: p.paid_on,
            reference: p.reference,
            paid_by: p.paid_by,
            paid_at: p.paid_at,
            journal_entry_id: p.journal_entry_id,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentQuery {
    /// `awaiting` (the finance manager's work list) or `paid`.
    #[param(value_type = Option<PaymentStatus>, inline)]
    pub status: Option<String>,
    pub supplier_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPage {
    pub items: Vec<Payment>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<PaymentRow>> for PaymentPage {
    fn from(p: Page<PaymentRow>) -> Self {
        let p = p.map(Payment::from);
        PaymentPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
