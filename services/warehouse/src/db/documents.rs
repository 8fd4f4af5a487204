//! Transfer and adjustment documents, and reading the ledger they (and every other document)
//! write.

use super::schema::{stock_documents, stock_movements};
use crate::domain::MovementKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stock_movements)]
pub struct Movement {
    pub id: Uuid,
    pub seq: i64,
    pub item_id: Uuid,
    pub warehouse_id: Uuid,
    pub quantity: Decimal,
    pub kind: MovementKind,
    pub source_kind: String,
    pub source_id: Uuid,
    pub source_number: Option<String>,
    pub source_line_id: Option<Uuid>,
    pub unit_cost: Decimal,
    pub on_hand_after: Decimal,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A transfer or adjustment document's header.
pub struct NewDocument<'a> {
    pub id: Uuid,
    pub number: &'a str,
    /// `transfer` or `adjustment`.
    pub kind: &'a str,
    pub warehouse_id: Uuid,
    pub to_warehouse_id: Option<Uuid>,
    pub reason: &'a str,
    pub created_by: &'a str,
}

pub fn insert_document(conn: &mut PgConnection, d: &NewDocument<'_>) -> Result<(), AppError> {
    diesel::insert_into(stock_documents::table)
        .values((
            stock_documents::id.eq(d.id),
            stock_documents::number.eq(d.number),
            stock_documents::kind.eq(d.kind),
            stock_documents::warehouse_id.eq(d.warehouse_id),
            stock_documents::to_warehouse_id.eq(d.to_warehouse_id),
            stock_documents::reason.eq(d.reason),
            stock_documents::created_by.eq(d.created_by),
        ))
        .execute(conn)?;
    Ok(())
}

/// The ledger rows a document wrote, in order.
pub fn movements_of(conn: &mut PgConnection, source_id: Uuid) -> Result<Vec<Movement>, AppError> {
    Ok(stock_movements::table
        .filter(stock_movements::source_id.eq(source_id))
        .order(stock_movements::seq)
        .select(Movement::as_select())
        .load(conn)?)
}

/// Up to `fetch` ledger rows in order after `cursor` (a `seq`), of an item and/or a warehouse.
pub fn list_movements(
    conn: &mut PgConnection,
    item_id: Option<Uuid>,
    warehouse_id: Option<Uuid>,
    fetch: i64,
    cursor: Option<i64>,
) -> Result<Vec<Movement>, AppError> {
    let mut sql = stock_movements::table
        .select(Movement::as_select())
        .order(stock_movements::seq)
        .limit(fetch)
        .into_boxed();
    if let Some(i) = item_id {
        sql = sql.filter(stock_movements::item_id.eq(i));
    }
    if let Some(w) = warehouse_id {
        sql = sql.filter(stock_movements::warehouse_id.eq(w));
    }
    if let Some(after) = cursor {
        sql = sql.filter(stock_movements::seq.gt(after));
    }
    Ok(sql.load(conn)?)
}
