//! The one place the books change: [`post`] validates an entry (accounts, parties, balance per
//! currency at the currency's scale, open period, at most one posting per event, at most one
//! reversal per entry) and writes it with its lines in the caller's transaction. The journal
//! tables refuse UPDATE and DELETE (a trigger), so a posted entry stays as it was posted.

mod periods;
mod read;
mod trial;

pub use periods::close_period;
pub use read::{EntryFilter, EntryView, JournalLineRow, find_entry, lines_of, list_entries, with_lines};
pub use trial::{TrialBalanceRow, trial_balance};

use super::EntryRow;
use super::schema::{accounts, journal_entries, journal_lines, periods as period_table};
use crate::domain::entry::{self, EntryLine};
use crate::domain::states::PeriodStatus;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::Text;
use erp_money::Currency;
use erp_problem::{AppError, FieldError};
use read::reversed_by;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

/// The party a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyKind {
    Customer,
    Supplier,
    Employee,
}

impl PartyKind {
    pub const ALL: [PartyKind; 3] = [PartyKind::Customer, PartyKind::Supplier, PartyKind::Employee];

    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Customer => "customer",
            PartyKind::Supplier => "supplier",
            PartyKind::Employee => "employee",
        }
    }

    pub fn parse(s: &str) -> Option<PartyKind> {
        PartyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The document an entry came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub kind: String,
    pub id: Option<Uuid>,
    pub number: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewLine {
    pub account: String,
    pub debit: Decimal,
    pub credit: Decimal,
    pub currency: Currency,
    pub party: Option<(PartyKind, Uuid)>,
    pub memo: Option<String>,
}

impl NewLine {
    pub fn debit(account: &str, amount: Decimal, currency: Currency) -> Self {
        Self {
            account: account.to_owned(),
            debit: amount,
            credit: Decimal::ZERO,
            currency,
            party: None,
            memo: None,
        }
    }

    pub fn credit(account: &str, amount: Decimal, currency: Currency) -> Self {
        Self {
            credit: amount,
            debit: Decimal::ZERO,
            ..Self::debit(account, Decimal::ZERO, currency)
        }
    }

    pub fn party(mut self, kind: PartyKind, id: Uuid) -> Self {
        self.party = Some((kind, id));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub date: NaiveDate,
    pub memo: String,
    pub source: Source,
    pub lines: Vec<NewLine>,
}

/// Who posts, and from which event (if any).
#[derive(Debug, Clone)]
pub struct PostMeta {
    pub actor: String,
    pub event_id: Option<Uuid>,
    /// Set by [`reverse`] only.
    pub reverses: Option<Uuid>,
}

impl PostMeta {
    pub fn by(actor: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            event_id: None,
            reverses: None,
        }
    }

    pub fn event(env: &erp_bus::Envelope) -> Self {
        Self {
            actor: env.actor.clone(),
            event_id: Some(env.id),
            reverses: None,
        }
    }
}

/// `yyyy-mm` of a date.
pub fn period_of(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

pub fn period_closed(period: &str) -> AppError {
    AppError::Conflict {
        slug: "period-closed",
        detail: format!("the accounting period {period} is closed; post into an open period"),
    }
}

/// Whether an entry was already posted from `event_id`.
pub fn posted_for_event(conn: &mut PgConnection, event_id: Uuid) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        journal_entries::table.filter(journal_entries::event_id.eq(event_id)),
    ))
    .get_result(conn)?)
}

/// Whether `period` is closed (a period never posted into is open).
pub fn is_closed(conn: &mut PgConnection, period: &str) -> Result<bool, AppError> {
    Ok(period_table::table
        .find(period)
        .select(period_table::status)
        .first::<PeriodStatus>(conn)
        .optional()?
        .is_some_and(|s| s == PeriodStatus::Closed))
}

/// Posts `entry`: the only way journal entries are written.
pub fn post(conn: &mut PgConnection, entry: NewEntry, meta: &PostMeta) -> Result<EntryView, AppError> {
    let name = match &entry.source.number {
        Some(n) => format!("\"{}\" ({} {})", entry.memo, entry.source.kind, n),
        None => format!("\"{}\" ({})", entry.memo, entry.source.kind),
    };
    let mut errors = Vec::new();
    if entry.memo.trim().is_empty() {
        errors.push(FieldError::new("memo", "must not be empty"));
    }
    let check_lines: Vec<EntryLine> = entry
        .lines
        .iter()
        .map(|l| EntryLine {
            debit: l.debit,
            credit: l.credit,
            currency: l.currency.code().to_owned(),
        })
        .collect();
    errors.extend(entry::check(&name, &check_lines));
    let codes: Vec<&str> = entry.lines.iter().map(|l| l.account.as_str()).collect();
    let known: HashMap<String, bool> = accounts::table
        .filter(accounts::code.eq_any(&codes))
        .select((accounts::code, accounts::active))
        .load::<(String, bool)>(conn)?
        .into_iter()
        .collect();
    for (i, l) in entry.lines.iter().enumerate() {
        match known.get(&l.account) {
            None => errors.push(FieldError::new(
                format!("lines[{i}].account"),
                format!("no account {}", l.account),
            )),
            Some(false) => errors.push(FieldError::new(
                format!("lines[{i}].account"),
                format!("account {} is inactive", l.account),
            )),
            Some(true) => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if let Some(event_id) = meta.event_id
        && posted_for_event(conn, event_id)?
    {
        return Err(AppError::Conflict {
            slug: "already-posted",
            detail: format!("event {event_id} was already posted"),
        });
    }
    let period = period_of(entry.date);
    diesel::insert_into(period_table::table)
        .values(period_table::period.eq(&period))
        .on_conflict_do_nothing()
        .execute(conn)?;
    // Shared: postings into one period run side by side, closing it waits for them.
    let status: PeriodStatus = period_table::table
        .find(&period)
        .select(period_table::status)
        .for_share()
        .first(conn)?;
    if status == PeriodStatus::Closed {
        return Err(period_closed(&period));
    }
    let id = Uuid::now_v7();
    let number = erp_db::next_number(conn, "JE", entry.date.year())?;
    diesel::insert_into(journal_entries::table)
        .values((
            journal_entries::id.eq(id),
            journal_entries::number.eq(&number),
            journal_entries::entry_date.eq(entry.date),
            journal_entries::period.eq(&period),
            journal_entries::memo.eq(entry.memo.trim()),
            journal_entries::source_kind.eq(&entry.source.kind),
            journal_entries::source_id.eq(entry.source.id),
            journal_entries::source_number.eq(&entry.source.number),
            journal_entries::event_id.eq(meta.event_id),
            journal_entries::reverses_id.eq(meta.reverses),
            journal_entries::posted_by.eq(&meta.actor),
        ))
        .execute(conn)?;
    for (i, l) in entry.lines.iter().enumerate() {
        diesel::insert_into(journal_lines::table)
            .values((
                journal_lines::id.eq(Uuid::now_v7()),
                journal_lines::entry_id.eq(id),
                journal_lines::line_no.eq(i32::try_from(i + 1).map_err(AppError::internal)?),
                journal_lines::account_code.eq(&l.account),
                journal_lines::debit.eq(erp_money::round(l.debit, l.currency)),
                journal_lines::credit.eq(erp_money::round(l.credit, l.currency)),
                journal_lines::currency.eq(l.currency.code()),
                journal_lines::party_kind.eq(l.party.map(|p| p.0.as_str())),
                journal_lines::party_id.eq(l.party.map(|p| p.1)),
                journal_lines::memo.eq(&l.memo),
            ))
            .execute(conn)?;
    }
    find_entry(conn, id)?.ok_or_else(|| AppError::internal("posted entry vanished"))
}

/// Posts the mirror of entry `id` on `date` (debits become credits), once: a second reversal is
/// a 409, and so is reversing a reversal.
pub fn reverse(
    conn: &mut PgConnection,
    id: Uuid,
    date: NaiveDate,
    reason: &str,
    actor: &str,
) -> Result<EntryView, AppError> {
    // Serialises reversals of one entry (the unique reverses_id is the backstop).
    let original: EntryRow = journal_entries::table
        .find(id)
        .select(EntryRow::as_select())
        .for_key_share()
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("journal entry"))?;
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind::<Text, _>(format!("reverse:{id}"))
        .execute(conn)?;
    if original.reverses_id.is_some() {
        return Err(AppError::Conflict {
            slug: "already-reversed",
            detail: format!("{} is itself a reversal; post a new entry instead", original.number),
        });
    }
    if let Some(by) = reversed_by(conn, id)? {
        return Err(AppError::Conflict {
            slug: "already-reversed",
            detail: format!("{} was already reversed by {by}", original.number),
        });
    }
    let lines = lines_of(conn, &[id])?;
    let mut new_lines = Vec::with_capacity(lines.len());
    for l in lines {
        let currency = Currency::parse(&l.currency).map_err(AppError::internal)?;
        let party = match (l.party_kind.as_deref().and_then(PartyKind::parse), l.party_id) {
            (Some(k), Some(p)) => Some((k, p)),
            _ => None,
        };
        new_lines.push(NewLine {
            account: l.account_code,
            debit: l.credit,
            credit: l.debit,
            currency,
            party,
            memo: l.memo,
        });
    }
    post(
        conn,
        NewEntry {
            date,
            memo: format!("Reversal of {}: {}", original.number, reason.trim()),
            source: Source {
                kind: "finance.reversal".into(),
                id: Some(original.id),
                number: Some(original.number.clone()),
            },
            lines: new_lines,
        },
        &PostMeta {
            actor: actor.to_owned(),
            event_id: None,
            reverses: Some(original.id),
        },
    )
}
