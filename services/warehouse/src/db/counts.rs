//! Stock counts and their lines.

use super::schema::{stock_count_lines, stock_counts};
use crate::domain::status::CountStatus;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stock_counts)]
pub struct StockCount {
    pub id: Uuid,
    pub number: String,
    pub warehouse_id: Uuid,
    pub status: CountStatus,
    pub note: Option<String>,
    pub created_by: String,
    pub submitted_by: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stock_count_lines)]
pub struct CountLine {
    pub id: Uuid,
    pub count_id: Uuid,
    pub item_id: Uuid,
    pub system_qty: Decimal,
    pub counted: Option<Decimal>,
    pub unit_cost: Decimal,
    pub counted_by: Option<String>,
}

/// A new count sheet's header.
pub struct CountHeader<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub warehouse_id: Uuid,
    pub note: Option<&'a str>,
    pub created_by: &'a str,
}

/// A new count sheet's line: (item, system quantity, unit cost).
pub type NewCountLine = (Uuid, Decimal, Decimal);

/// What a move of the count writes besides its state (each move sets all of them).
pub struct CountMove<'a> {
    pub status: CountStatus,
    pub submitted_by: Option<&'a str>,
    pub decided_by: Option<&'a str>,
    pub decided_at: Option<DateTime<Utc>>,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<StockCount>, AppError> {
    Ok(stock_counts::table
        .find(id)
        .select(StockCount::as_select())
        .first(conn)
        .optional()?)
}

/// The count, locked for the rest of the transaction.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<StockCount>, AppError> {
    Ok(stock_counts::table
        .find(id)
        .select(StockCount::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

/// The latest 200 counts, newest first.
pub fn latest(conn: &mut PgConnection) -> Result<Vec<StockCount>, AppError> {
    Ok(stock_counts::table
        .select(StockCount::as_select())
        .order(stock_counts::id.desc())
        .limit(200)
        .load(conn)?)
}

/// The count's lines, by item.
pub fn lines(conn: &mut PgConnection, count_id: Uuid) -> Result<Vec<CountLine>, AppError> {
    Ok(stock_count_lines::table
        .filter(stock_count_lines::count_id.eq(count_id))
        .order(stock_count_lines::item_id)
        .select(CountLine::as_select())
        .load(conn)?)
}

/// Writes a draft count and its lines.
pub fn insert(conn: &mut PgConnection, new: &CountHeader<'_>, lines: &[NewCountLine]) -> Result<(), AppError> {
    diesel::insert_into(stock_counts::table)
        .values((
            stock_counts::id.eq(new.id),
            stock_counts::number.eq(new.number),
            stock_counts::warehouse_id.eq(new.warehouse_id),
            stock_counts::status.eq(CountStatus::Draft),
            stock_counts::note.eq(new.note),
            stock_counts::created_by.eq(new.created_by),
        ))
        .execute(conn)?;
    let rows: Vec<_> = lines
        .iter()
        .map(|(item, qty, cost)| {
            (
                stock_count_lines::id.eq(Uuid::now_v7()),
                stock_count_lines::count_id.eq(new.id),
                stock_count_lines::item_id.eq(*item),
                stock_count_lines::system_qty.eq(*qty),
                stock_count_lines::unit_cost.eq(*cost),
            )
        })
        .collect();
    diesel::insert_into(stock_count_lines::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

/// Records a line's counted quantity against the system quantity and cost of that moment.
pub fn record_line(
    conn: &mut PgConnection,
    line_id: Uuid,
    counted: Decimal,
    system_qty: Decimal,
    unit_cost: Decimal,
    counted_by: &str,
) -> Result<(), AppError> {
    diesel::update(stock_count_lines::table.find(line_id))
        .set((
            stock_count_lines::counted.eq(Some(counted)),
            stock_count_lines::system_qty.eq(system_qty),
            stock_count_lines::unit_cost.eq(unit_cost),
            stock_count_lines::counted_by.eq(Some(counted_by)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the count to its next version.
pub fn bump_version(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(stock_counts::table.find(id))
        .set((
            stock_counts::version.eq(stock_counts::version + 1),
            stock_counts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the count to another state (and its next version); the decision's comment is cleared
/// and written by [`set_decision_comment`] when there is one.
pub fn move_to(conn: &mut PgConnection, id: Uuid, m: &CountMove<'_>) -> Result<(), AppError> {
    diesel::update(stock_counts::table.find(id))
        .set((
            stock_counts::status.eq(m.status),
            stock_counts::submitted_by.eq(m.submitted_by),
            stock_counts::decided_by.eq(m.decided_by),
            stock_counts::decided_at.eq(m.decided_at),
            stock_counts::decision_comment.eq(None::<String>),
            stock_counts::version.eq(stock_counts::version + 1),
            stock_counts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_decision_comment(conn: &mut PgConnection, id: Uuid, comment: Option<&str>) -> Result<(), AppError> {
    diesel::update(stock_counts::table.find(id))
        .set(stock_counts::decision_comment.eq(comment))
        .execute(conn)?;
    Ok(())
}
