//! The contract review of a sales order (seed 002 checklist A–I): rows and queries.

use super::schema::contract_reviews;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use uuid::Uuid;

/// One item of the contract review (seed 002 checklist A–I).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contract_reviews)]
pub struct ReviewRow {
    pub item: String,
    pub result: String,
    pub note: Option<String>,
    pub reviewed_by: String,
    pub reviewed_at: DateTime<Utc>,
}

pub fn of_order(c: &mut PgConnection, order_id: Uuid) -> Result<Vec<ReviewRow>, AppError> {
    Ok(contract_reviews::table
        .filter(contract_reviews::order_id.eq(order_id))
        .order(contract_reviews::item)
        .select(ReviewRow::as_select())
        .load(c)?)
}

/// Records one review item's result (replacing an earlier one).
pub fn upsert(
    c: &mut PgConnection,
    order_id: Uuid,
    item: &str,
    result: &str,
    note: Option<&str>,
    actor: &str,
) -> Result<(), AppError> {
    diesel::insert_into(contract_reviews::table)
        .values((
            contract_reviews::order_id.eq(order_id),
            contract_reviews::item.eq(item),
            contract_reviews::result.eq(result),
            contract_reviews::note.eq(note),
            contract_reviews::reviewed_by.eq(actor),
        ))
        .on_conflict((contract_reviews::order_id, contract_reviews::item))
        .do_update()
        .set((
            contract_reviews::result.eq(result),
            contract_reviews::note.eq(note),
            contract_reviews::reviewed_by.eq(actor),
            contract_reviews::reviewed_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}
