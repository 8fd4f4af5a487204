//! Reading the journal back: entries with their lines and who reversed them.

use super::super::EntryRow;
use super::super::schema::{journal_entries, journal_lines};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = journal_lines)]
pub struct JournalLineRow {
    pub id: Uuid,
    pub entry_id: Uuid,
    pub line_no: i32,
    pub account_code: String,
    pub debit: Decimal,
    pub credit: Decimal,
    pub currency: String,
    pub party_kind: Option<String>,
    pub party_id: Option<Uuid>,
    pub memo: Option<String>,
}

/// A posted entry with its lines and the entry that reversed it, if any.
#[derive(Debug, Clone)]
pub struct EntryView {
    pub entry: EntryRow,
    pub lines: Vec<JournalLineRow>,
    pub reversed_by: Option<Uuid>,
}

impl EntryView {
    pub fn id(&self) -> Uuid {
        self.entry.id
    }
}

pub(super) fn reversed_by(conn: &mut PgConnection, id: Uuid) -> Result<Option<String>, AppError> {
    Ok(journal_entries::table
        .filter(journal_entries::reverses_id.eq(id))
        .select(journal_entries::number)
        .first(conn)
        .optional()?)
}

pub fn lines_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<JournalLineRow>, AppError> {
    Ok(journal_lines::table
        .filter(journal_lines::entry_id.eq_any(ids))
        .order((journal_lines::entry_id, journal_lines::line_no))
        .select(JournalLineRow::as_select())
        .load(conn)?)
}

/// Entries with their lines, in the order of `rows`.
pub fn with_lines(conn: &mut PgConnection, rows: Vec<EntryRow>) -> Result<Vec<EntryView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut lines: HashMap<Uuid, Vec<JournalLineRow>> = HashMap::new();
    for l in lines_of(conn, &ids)? {
        lines.entry(l.entry_id).or_default().push(l);
    }
    let reversals: HashMap<Uuid, Uuid> = journal_entries::table
        .filter(journal_entries::reverses_id.eq_any(&ids))
        .select((journal_entries::reverses_id.assume_not_null(), journal_entries::id))
        .load::<(Uuid, Uuid)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|entry| EntryView {
            lines: lines.remove(&entry.id).unwrap_or_default(),
            reversed_by: reversals.get(&entry.id).copied(),
            entry,
        })
        .collect())
}

pub fn find_entry(conn: &mut PgConnection, id: Uuid) -> Result<Option<EntryView>, AppError> {
    let Some(row) = journal_entries::table
        .find(id)
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Ok(with_lines(conn, vec![row])?.pop())
}

/// A journal list's filters.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Entries with a line on this account.
    pub account: Option<String>,
    pub source_kind: Option<String>,
    pub source_id: Option<Uuid>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// One page (plus one row to tell whether more follow) in posting order.
pub fn list_entries(
    conn: &mut PgConnection,
    f: &EntryFilter,
    paging: &erp_db::Paging,
) -> Result<Vec<EntryRow>, AppError> {
    let mut sql = journal_entries::table
        .select(EntryRow::as_select())
        .order(journal_entries::id)
        .limit(paging.fetch())
        .into_boxed();
    if let Some(a) = &f.account {
        sql = sql.filter(
            journal_entries::id.eq_any(
                journal_lines::table
                    .filter(journal_lines::account_code.eq(a.clone()))
                    .select(journal_lines::entry_id),
            ),
        );
    }
    if let Some(k) = &f.source_kind {
        sql = sql.filter(journal_entries::source_kind.eq(k.clone()));
    }
    if let Some(s) = f.source_id {
        sql = sql.filter(journal_entries::source_id.eq(s));
    }
    if let Some(d) = f.from {
        sql = sql.filter(journal_entries::entry_date.ge(d));
    }
    if let Some(d) = f.to {
        sql = sql.filter(journal_entries::entry_date.le(d));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(journal_entries::id.gt(after));
    }
    Ok(sql.load(conn)?)
}
