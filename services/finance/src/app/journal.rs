//! The journal: entries are read by finance and the general manager, posted by a finance
//! manager (general journal entries) and never changed: a correction is a reversal, once.

use crate::db::ledger::{self, EntryFilter, EntryView, NewEntry, NewLine, PartyKind, PostMeta, Source};
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_money::Currency;
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LineInput {
    pub account: String,
    /// Zero or absent when the line is a credit.
    #[schema(value_type = Option<String>)]
    pub debit: Option<Decimal>,
    /// Zero or absent when the line is a debit.
    #[schema(value_type = Option<String>)]
    pub credit: Option<Decimal>,
    /// ISO 4217: `VND`, `CNY`, `USD` or `EUR`.
    pub currency: String,
    /// `customer`, `supplier` or `employee`, with `party_id`.
    pub party_kind: Option<String>,
    pub party_id: Option<Uuid>,
    pub memo: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EntryInput {
    pub entry_date: NaiveDate,
    pub memo: String,
    pub lines: Vec<LineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReverseInput {
    pub reason: String,
    /// The reversal's date; today when absent.
    pub entry_date: Option<NaiveDate>,
}

/// Entries in posting order (keyset on the id), with their lines.
pub fn list(c: &mut PgConnection, filter: &EntryFilter, paging: &Paging) -> Result<Page<EntryView>, AppError> {
    let rows = ledger::list_entries(c, filter, paging)?;
    let page = Page::from_rows(rows, paging.limit, |r| r.id);
    let items = ledger::with_lines(c, page.items)?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<EntryView, AppError> {
    ledger::find_entry(c, id)?.ok_or_else(|| AppError::not_found("journal entry"))
}

fn to_lines(input: &[LineInput]) -> Result<Vec<NewLine>, AppError> {
    let mut v = Validator::new();
    let mut lines = Vec::with_capacity(input.len());
    for (i, l) in input.iter().enumerate() {
        let currency = match Currency::parse(&l.currency) {
            Ok(c) => c,
            Err(e) => {
                v.add(format!("lines[{i}].currency"), e.to_string());
                continue;
            }
        };
        let party = match (l.party_kind.as_deref(), l.party_id) {
            (None, None) => None,
            (Some(k), Some(id)) => match PartyKind::parse(k) {
                Some(kind) => Some((kind, id)),
                None => {
                    v.add(
                        format!("lines[{i}].party_kind"),
                        "must be customer, supplier or employee",
                    );
                    None
                }
            },
            (Some(_), None) => {
                v.add(format!("lines[{i}].party_id"), "is required with party_kind");
                None
            }
            (None, Some(_)) => {
                v.add(format!("lines[{i}].party_kind"), "is required with party_id");
                None
            }
        };
        v.optional_text(&format!("lines[{i}].memo"), l.memo.as_deref(), 500);
        lines.push(NewLine {
            account: l.account.trim().to_owned(),
            debit: l.debit.unwrap_or(Decimal::ZERO),
            credit: l.credit.unwrap_or(Decimal::ZERO),
            currency,
            party,
            memo: clean(l.memo.as_deref()),
        });
    }
    v.finish()?;
    Ok(lines)
}

/// A finance manager's general journal entry: it must balance in every currency at the
/// currency's scale (422 naming the entry), and its month must be open (409 `period-closed`).
pub fn post(c: &mut PgConnection, actor: &CurrentUser, input: &EntryInput) -> Result<EntryView, AppError> {
    let mut v = Validator::new();
    v.text("memo", &input.memo, 500);
    v.finish()?;
    let lines = to_lines(&input.lines)?;
    ledger::post(
        c,
        NewEntry {
            date: input.entry_date,
            memo: input.memo.trim().to_owned(),
            source: Source {
                kind: "manual".into(),
                id: None,
                number: None,
            },
            lines,
        },
        &PostMeta::by(actor.actor()),
    )
}

/// Posts the mirror of an entry (debits and credits swapped), once.
pub fn reverse(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &ReverseInput,
) -> Result<EntryView, AppError> {
    let mut v = Validator::new();
    v.text("reason", &input.reason, 500);
    v.finish()?;
    let date = input.entry_date.unwrap_or_else(erp_calendar::today);
    ledger::reverse(c, id, date, &input.reason, &actor.actor())
}
