//! The settlement tolerances: one row.

use super::schema::settlement_tolerances;
use crate::domain::matching::Tolerances;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = settlement_tolerances)]
pub struct TolerancesRow {
    pub id: bool,
    pub over_receipt_pct: Decimal,
    pub invoice_quantity_pct: Decimal,
    pub invoice_price_pct: Decimal,
    pub updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl TolerancesRow {
    pub fn tolerances(&self) -> Tolerances {
        Tolerances {
            over_receipt_pct: self.over_receipt_pct,
            invoice_quantity_pct: self.invoice_quantity_pct,
            invoice_price_pct: self.invoice_price_pct,
        }
    }
}

pub fn row(conn: &mut PgConnection) -> Result<TolerancesRow, AppError> {
    settlement_tolerances::table
        .select(TolerancesRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::internal("the settlement_tolerances row is missing"))
}

pub fn tolerances(conn: &mut PgConnection) -> Result<Tolerances, AppError> {
    Ok(row(conn)?.tolerances())
}

pub fn set(conn: &mut PgConnection, t: &Tolerances, by: &str) -> Result<TolerancesRow, AppError> {
    diesel::update(settlement_tolerances::table)
        .set((
            settlement_tolerances::over_receipt_pct.eq(t.over_receipt_pct),
            settlement_tolerances::invoice_quantity_pct.eq(t.invoice_quantity_pct),
            settlement_tolerances::invoice_price_pct.eq(t.invoice_price_pct),
            settlement_tolerances::updated_by.eq(Some(by)),
            settlement_tolerances::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    row(conn)
}
