//! Supplier quotations, their lines and the supplier selection: rows and queries.

use super::schema::{quotation_selections, supplier_quotation_lines, supplier_quotations};
use crate::domain::quotations::SelectionStatus;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_quotations)]
pub struct QuotationRow {
    pub id: Uuid,
    pub request_id: Uuid,
    pub supplier_id: Uuid,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_quotation_lines)]
pub struct QuotationLineRow {
    pub id: Uuid,
    pub quotation_id: Uuid,
    pub request_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quotation_selections)]
pub struct SelectionRow {
    pub request_id: Uuid,
    pub chosen_quotation_id: Uuid,
    pub fewer_quotes_reason: Option<String>,
    pub note: Option<String>,
    pub status: SelectionStatus,
    pub approval_request_id: Option<Uuid>,
    pub submitted_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supplier_quotations)]
pub struct NewQuotation {
    pub id: Uuid,
    pub request_id: Uuid,
    pub supplier_id: Uuid,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub created_by: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supplier_quotation_lines)]
pub struct NewQuotationLine {
    pub id: Uuid,
    pub quotation_id: Uuid,
    pub request_line_id: Uuid,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
}

/// A new choice of supplier, waiting for review.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = quotation_selections, treat_none_as_null = true)]
pub struct NewSelection {
    pub request_id: Uuid,
    pub chosen_quotation_id: Uuid,
    pub fewer_quotes_reason: Option<String>,
    pub note: Option<String>,
    pub status: SelectionStatus,
    pub approval_request_id: Option<Uuid>,
    pub submitted_by: String,
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<QuotationRow>, AppError> {
    Ok(supplier_quotations::table
        .find(id)
        .select(QuotationRow::as_select())
        .first(conn)
        .optional()?)
}

/// A request's quotations, oldest first.
pub fn of_request(conn: &mut PgConnection, request_id: Uuid) -> Result<Vec<QuotationRow>, AppError> {
    Ok(supplier_quotations::table
        .filter(supplier_quotations::request_id.eq(request_id))
        .order(supplier_quotations::id)
        .select(QuotationRow::as_select())
        .load(conn)?)
}

/// How many different suppliers quoted for the request (one quotation per supplier).
pub fn count_for_request(conn: &mut PgConnection, request_id: Uuid) -> Result<i64, AppError> {
    Ok(supplier_quotations::table
        .filter(supplier_quotations::request_id.eq(request_id))
        .count()
        .get_result(conn)?)
}

pub fn supplier_quoted(conn: &mut PgConnection, request_id: Uuid, supplier_id: Uuid) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        supplier_quotations::table
            .filter(supplier_quotations::request_id.eq(request_id))
            .filter(supplier_quotations::supplier_id.eq(supplier_id)),
    ))
    .get_result(conn)?)
}

/// The lines of the quotations `ids`.
pub fn lines_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<QuotationLineRow>, AppError> {
    Ok(supplier_quotation_lines::table
        .filter(supplier_quotation_lines::quotation_id.eq_any(ids))
        .order(supplier_quotation_lines::id)
        .select(QuotationLineRow::as_select())
        .load(conn)?)
}

pub fn insert(conn: &mut PgConnection, q: &NewQuotation, lines: &[NewQuotationLine]) -> Result<(), AppError> {
    diesel::insert_into(supplier_quotations::table)
        .values(q)
        .execute(conn)?;
    diesel::insert_into(supplier_quotation_lines::table)
        .values(lines)
        .execute(conn)?;
    Ok(())
}

pub fn selection(conn: &mut PgConnection, request_id: Uuid) -> Result<Option<SelectionRow>, AppError> {
    Ok(quotation_selections::table
        .find(request_id)
        .select(SelectionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn lock_selection(conn: &mut PgConnection, request_id: Uuid) -> Result<Option<SelectionRow>, AppError> {
    Ok(quotation_selections::table
        .find(request_id)
        .select(SelectionRow::as_select())
        .for_update()
        .first(conn)
        .optional()?)
}

/// Stores a new choice, replacing a rejected one.
pub fn put_selection(conn: &mut PgConnection, s: &NewSelection) -> Result<(), AppError> {
    diesel::insert_into(quotation_selections::table)
        .values(s)
        .on_conflict(quotation_selections::request_id)
        .do_update()
        .set((s, quotation_selections::updated_at.eq(Utc::now())))
        .execute(conn)?;
    Ok(())
}

pub fn set_selection_approval(
    conn: &mut PgConnection,
    request_id: Uuid,
    approval_request_id: Uuid,
) -> Result<(), AppError> {
    diesel::update(quotation_selections::table.find(request_id))
        .set(quotation_selections::approval_request_id.eq(approval_request_id))
        .execute(conn)?;
    Ok(())
}

pub fn set_selection_status(
    conn: &mut PgConnection,
    request_id: Uuid,
    status: SelectionStatus,
) -> Result<(), AppError> {
    diesel::update(quotation_selections::table.find(request_id))
        .set((
            quotation_selections::status.eq(status),
            quotation_selections::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}
