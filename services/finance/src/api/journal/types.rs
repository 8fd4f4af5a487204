//! What the journal endpoints answer.

use crate::db::ledger::{EntryView, JournalLineRow};
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct JournalLine {
    pub line_no: i32,
    pub account_code: String,
    #[schema(value_type = String)]
    pub debit: Decimal,
    #[schema(value_type = String)]
    pub credit: Decimal,
    pub currency: String,
    /// `customer`, `supplier` or `employee`.
    pub party_kind: Option<String>,
    pub party_id: Option<Uuid>,
    pub memo: Option<String>,
}

impl From<JournalLineRow> for JournalLine {
    fn from(l: JournalLineRow) -> Self {
        JournalLine {
            line_no: l.line_no,
            account_code: l.account_code,
            debit: l.debit,
            credit: l.credit,
            currency: l.currency,
            party_kind: l.party_kind,
            party_id: l.party_id,
            memo: l.memo,
        }
    }
}

/// A posted entry with its lines. Never changes; corrections are reversals.
#[derive(Debug, Serialize, ToSchema)]
pub struct JournalEntry {
    pub id: Uuid,
    pub number: String,
    pub entry_date: NaiveDate,
    pub period: String,
    pub memo: String,
    /// What the entry came from: `crm.receipt`, `warehouse.outbound_note`, `manual`, …
    pub source_kind: String,
    pub source_id: Option<Uuid>,
    pub source_number: Option<String>,
    /// The event the entry was posted from.
    pub event_id: Option<Uuid>,
    /// The entry this one reverses.
    pub reverses_id: Option<Uuid>,
    /// The entry that reversed this one.
    pub reversed_by: Option<Uuid>,
    pub posted_by: String,
    pub posted_at: DateTime<Utc>,
    pub lines: Vec<JournalLine>,
}

impl From<EntryView> for JournalEntry {
    fn from(v: EntryView) -> Self {
        let e = v.entry;
        JournalEntry {
            id: e.id,
            number: e.number,
            entry_date: e.entry_date,
            period: e.period,
            memo: e.memo,
            source_kind: e.source_kind,
            source_id: e.source_id,
            source_number: e.source_number,
            event_id: e.event_id,
            reverses_id: e.reverses_id,
            reversed_by: v.reversed_by,
            posted_by: e.posted_by,
            posted_at: e.posted_at,
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// Entries with a line on this account.
    pub account: Option<String>,
    /// `crm.receipt`, `warehouse.outbound_note`, `warehouse.inbound_note`,
    /// `purchasing.supplier_invoice`, `finance.payment`, `finance.direct_entry`,
    /// `finance.reversal` or `manual`.
    pub source_kind: Option<String>,
    pub source_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JournalPage {
    pub items: Vec<JournalEntry>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<EntryView>> for JournalPage {
    fn from(p: Page<EntryView>) -> Self {
        let p = p.map(JournalEntry::from);
        JournalPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
