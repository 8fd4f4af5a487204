//! Closing a month of the books.

use super::super::PeriodRow;
use super::super::schema::periods;
use crate::domain::states::PeriodStatus;
use chrono::Utc;
use diesel::prelude::*;
use erp_problem::AppError;

/// Closes `period` (creating its row if nothing was posted yet); closing a closed period is a
/// 409.
pub fn close_period(conn: &mut PgConnection, period: &str, actor: &str) -> Result<PeriodRow, AppError> {
    diesel::insert_into(periods::table)
        .values(periods::period.eq(period))
        .on_conflict_do_nothing()
        .execute(conn)?;
    let status: PeriodStatus = periods::table
        .find(period)
        .select(periods::status)
        .for_update()
        .first(conn)?;
    if status == PeriodStatus::Closed {
        return Err(AppError::Conflict {
            slug: "period-closed",
            detail: format!("the accounting period {period} is already closed"),
        });
    }
    diesel::update(periods::table.find(period))
        .set((
            periods::status.eq(PeriodStatus::Closed),
            periods::closed_by.eq(actor),
            periods::closed_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(periods::table.find(period).select(PeriodRow::as_select()).first(conn)?)
}
