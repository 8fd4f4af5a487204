//! Quotations and their lines: rows and queries.

use super::schema::{quotation_lines, quotations};
use super::visibility::scoped;
use crate::domain::documents::QuotationStatus;
use crate::domain::pricing::NewLine;
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quotations)]
pub struct QuotationRow {
    pub id: Uuid,
    pub number: String,
    pub revision: i32,
    pub previous_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: String,
    pub valid_until: NaiveDate,
    pub payment_terms: String,
    pub payment_days: i32,
    pub status: QuotationStatus,
    pub notes: Option<String>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub approval_request_id: Option<Uuid>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quotation_lines)]
pub struct QuotationLineRow {
    pub id: Uuid,
    pub quotation_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_pct: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub floor_price: Option<Decimal>,
    pub unit_cost: Option<Decimal>,
}

/// A quotation's header as written (new, or a new revision).
#[derive(Debug, Insertable)]
#[diesel(table_name = quotations)]
pub struct NewQuotation<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub revision: i32,
    pub previous_id: Option<Uuid>,
    pub customer_id: Uuid,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub currency: &'a str,
    pub valid_until: NaiveDate,
    pub payment_terms: &'a str,
    pub payment_days: i32,
    pub status: QuotationStatus,
    pub notes: Option<&'a str>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
    pub created_by: &'a str,
}

/// What changing a draft writes.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = quotations, treat_none_as_null = true)]
pub struct QuotationChange<'a> {
    pub currency: &'a str,
    pub valid_until: NaiveDate,
    pub payment_terms: &'a str,
    pub payment_days: i32,
    pub notes: Option<&'a str>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub margin_pct: Option<Decimal>,
    pub below_floor: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct QuotationFilter {
    pub scope: Scope,
    pub status: Option<QuotationStatus>,
    pub customer_id: Option<Uuid>,
}

pub fn find(c: &mut PgConnection, id: Uuid) -> Result<Option<QuotationRow>, AppError> {
    Ok(quotations::table
        .find(id)
        .select(QuotationRow::as_select())
        .first(c)
        .optional()?)
}

/// The quotation locked for the rest of the transaction.
pub fn lock(c: &mut PgConnection, id: Uuid) -> Result<Option<QuotationRow>, AppError> {
    Ok(quotations::table
        .find(id)
        .select(QuotationRow::as_select())
        .for_update()
        .first(c)
        .optional()?)
}

pub fn lines(c: &mut PgConnection, id: Uuid) -> Result<Vec<QuotationLineRow>, AppError> {
    Ok(quotation_lines::table
        .filter(quotation_lines::quotation_id.eq(id))
        .order(quotation_lines::line_no)
        .select(QuotationLineRow::as_select())
        .load(c)?)
}

/// One page (plus one row to tell whether more follow) in id order.
pub fn list(c: &mut PgConnection, f: &QuotationFilter, paging: &Paging) -> Result<Vec<QuotationRow>, AppError> {
    let mut sql = quotations::table
        .select(QuotationRow::as_select())
        .order(quotations::id)
        .limit(paging.fetch())
        .into_boxed();
    sql = scoped!(
        sql,
        f.scope,
        quotations::owner_id,
        quotations::department_id,
        quotations::id
    );
    if let Some(s) = f.status {
        sql = sql.filter(quotations::status.eq(s));
    }
    if let Some(cu) = f.customer_id {
        sql = sql.filter(quotations::customer_id.eq(cu));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(quotations::id.gt(after));
    }
    Ok(sql.load(c)?)
}

pub fn insert(c: &mut PgConnection, q: &NewQuotation) -> Result<(), AppError> {
    diesel::insert_into(quotations::table).values(q).execute(c)?;
    Ok(())
}

/// Changes a draft's header, bumping its version.
pub fn update(c: &mut PgConnection, id: Uuid, change: &QuotationChange) -> Result<(), AppError> {
    diesel::update(quotations::table.find(id))
        .set((
            change,
            quotations::version.eq(quotations::version + 1),
            quotations::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

/// Moves a quotation to `status` (the caller checked the move), bumping its version.
pub fn set_status(c: &mut PgConnection, id: Uuid, status: QuotationStatus) -> Result<(), AppError> {
    diesel::update(quotations::table.find(id))
        .set((
            quotations::status.eq(status),
            quotations::version.eq(quotations::version + 1),
            quotations::updated_at.eq(Utc::now()),
        ))
        .execute(c)?;
    Ok(())
}

pub fn set_approval(c: &mut PgConnection, id: Uuid, request_id: Uuid) -> Result<(), AppError> {
    diesel::update(quotations::table.find(id))
        .set(quotations::approval_request_id.eq(request_id))
        .execute(c)?;
    Ok(())
}

/// Replaces the quotation's lines.
pub fn replace_lines(c: &mut PgConnection, quotation_id: Uuid, rows: &[NewLine]) -> Result<(), AppError> {
    diesel::delete(quotation_lines::table.filter(quotation_lines::quotation_id.eq(quotation_id))).execute(c)?;
    let values: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                quotation_lines::id.eq(Uuid::now_v7()),
                quotation_lines::quotation_id.eq(quotation_id),
                quotation_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                quotation_lines::item_id.eq(r.item_id),
                quotation_lines::description.eq(&r.description),
                quotation_lines::quantity.eq(r.input.quantity),
                quotation_lines::unit.eq(&r.unit),
                quotation_lines::unit_price.eq(r.input.unit_price),
                quotation_lines::discount_pct.eq(r.input.discount_pct),
                quotation_lines::tax_rate.eq(r.input.tax_rate_pct),
                quotation_lines::net.eq(r.net),
                quotation_lines::tax.eq(r.tax),
                quotation_lines::total.eq(r.total),
                quotation_lines::floor_price.eq(r.floor_price),
                quotation_lines::unit_cost.eq(r.unit_cost),
            )
        })
        .collect();
    diesel::insert_into(quotation_lines::table).values(values).execute(c)?;
    Ok(())
}

/// Copies one quotation's lines onto another (a new revision).
pub fn copy_lines(c: &mut PgConnection, from: Uuid, to: Uuid) -> Result<(), AppError> {
    diesel::sql_query(
        "INSERT INTO quotation_lines (id, quotation_id, line_no, item_id, description, quantity, unit, unit_price, \
           discount_pct, tax_rate, net, tax, total, floor_price, unit_cost) \
         SELECT gen_random_uuid(), $1, line_no, item_id, description, quantity, unit, unit_price, discount_pct, \
           tax_rate, net, tax, total, floor_price, unit_cost FROM quotation_lines WHERE quotation_id = $2",
    )
    .bind::<diesel::sql_types::Uuid, _>(to)
    .bind::<diesel::sql_types::Uuid, _>(from)
    .execute(c)?;
    Ok(())
}
