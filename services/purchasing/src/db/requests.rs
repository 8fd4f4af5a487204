//! Purchase requests and their lines: rows and queries.

use super::schema::{purchase_request_lines, purchase_requests};
use crate::domain::requests::{RequestStatus, STOCK_SHORTAGE, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = purchase_requests)]
pub struct RequestRow {
    pub id: Uuid,
    pub number: String,
    pub source: String,
    pub source_key: Option<String>,
    pub source_ref: serde_json::Value,
    pub status: RequestStatus,
    pub requested_by: String,
    pub requester_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub approval_request_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = purchase_request_lines)]
pub struct RequestLineRow {
    pub id: Uuid,
    pub request_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub ordered: Decimal,
}

/// A request to be stored (as a draft).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = purchase_requests)]
pub struct NewRequest {
    pub id: Uuid,
    pub number: String,
    pub source: String,
    pub source_key: Option<String>,
    pub source_ref: serde_json::Value,
    pub status: RequestStatus,
    pub requested_by: String,
    pub requester_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A line to be stored.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub item_id: Uuid,
    pub quantity: Decimal,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

/// What a draft's edit changes.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = purchase_requests, treat_none_as_null = true)]
pub struct RequestChanges {
    pub source: String,
    pub source_ref: serde_json::Value,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

fn not_found() -> AppError {
    AppError::not_found("purchase request")
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<RequestRow, AppError> {
    purchase_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Locks the request (`FOR UPDATE`); unknown is a 404.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<RequestRow, AppError> {
    purchase_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    status: Option<RequestStatus>,
    source: Option<&str>,
    paging: &Paging,
) -> Result<Vec<RequestRow>, AppError> {
    let mut sql = purchase_requests::table
        .select(RequestRow::as_select())
        .order(purchase_requests::id)
        .limit(paging.fetch())
        .into_boxed();
    match scope {
        Scope::All => {}
        Scope::Own { user, shortages: true } => {
            sql = sql.filter(
                purchase_requests::requester_id
                    .eq(user)
                    .or(purchase_requests::source.eq(STOCK_SHORTAGE)),
            );
        }
        Scope::Own { user, shortages: false } => {
            sql = sql.filter(purchase_requests::requester_id.eq(user));
        }
        Scope::Nothing => return Ok(Vec::new()),
    }
    if let Some(s) = status {
        sql = sql.filter(purchase_requests::status.eq(s));
    }
    if let Some(s) = source {
        sql = sql.filter(purchase_requests::source.eq(s.to_owned()));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(purchase_requests::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

pub fn lines(conn: &mut PgConnection, request_id: Uuid) -> Result<Vec<RequestLineRow>, AppError> {
    Ok(purchase_request_lines::table
        .filter(purchase_request_lines::request_id.eq(request_id))
        .order(purchase_request_lines::line_no)
        .select(RequestLineRow::as_select())
        .load(conn)?)
}

/// Locks the request's lines (after the request: one lock order everywhere).
pub fn lock_lines(conn: &mut PgConnection, request_id: Uuid) -> Result<Vec<RequestLineRow>, AppError> {
    Ok(purchase_request_lines::table
        .filter(purchase_request_lines::request_id.eq(request_id))
        .order(purchase_request_lines::line_no)
        .select(RequestLineRow::as_select())
        .for_update()
        .load(conn)?)
}

/// Locks one line; returns its quantity and what is on orders.
pub fn lock_line(conn: &mut PgConnection, line_id: Uuid) -> Result<(Decimal, Decimal), AppError> {
    Ok(purchase_request_lines::table
        .find(line_id)
        .select((purchase_request_lines::quantity, purchase_request_lines::ordered))
        .for_update()
        .first(conn)?)
}

pub fn set_ordered(conn: &mut PgConnection, line_id: Uuid, ordered: Decimal) -> Result<(), AppError> {
    diesel::update(purchase_request_lines::table.find(line_id))
        .set(purchase_request_lines::ordered.eq(ordered))
        .execute(conn)?;
    Ok(())
}

pub fn insert(conn: &mut PgConnection, request: &NewRequest, lines: &[NewLine]) -> Result<(), AppError> {
    diesel::insert_into(purchase_requests::table)
        .values(request)
        .execute(conn)?;
    replace_lines(conn, request.id, lines)
}

/// Replaces the request's lines, numbered in order.
pub fn replace_lines(conn: &mut PgConnection, request_id: Uuid, lines: &[NewLine]) -> Result<(), AppError> {
    diesel::delete(purchase_request_lines::table.filter(purchase_request_lines::request_id.eq(request_id)))
        .execute(conn)?;
    let values: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                purchase_request_lines::id.eq(Uuid::now_v7()),
                purchase_request_lines::request_id.eq(request_id),
                purchase_request_lines::line_no.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                purchase_request_lines::item_id.eq(l.item_id),
                purchase_request_lines::quantity.eq(l.quantity),
                purchase_request_lines::needed_by.eq(l.needed_by),
                purchase_request_lines::note.eq(&l.note),
            )
        })
        .collect();
    diesel::insert_into(purchase_request_lines::table)
        .values(values)
        .execute(conn)?;
    Ok(())
}

/// Changes a draft's header, bumping its version.
pub fn update(conn: &mut PgConnection, id: Uuid, changes: &RequestChanges) -> Result<(), AppError> {
    diesel::update(purchase_requests::table.find(id))
        .set((
            changes,
            purchase_requests::version.eq(purchase_requests::version + 1),
            purchase_requests::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves a request to `status` (the caller checked the move), bumping its version.
pub fn set_status(conn: &mut PgConnection, id: Uuid, status: RequestStatus) -> Result<(), AppError> {
    diesel::update(purchase_requests::table.find(id))
        .set((
            purchase_requests::status.eq(status),
            purchase_requests::version.eq(purchase_requests::version + 1),
            purchase_requests::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_approval(conn: &mut PgConnection, id: Uuid, approval_request_id: Uuid) -> Result<(), AppError> {
    diesel::update(purchase_requests::table.find(id))
        .set(purchase_requests::approval_request_id.eq(approval_request_id))
        .execute(conn)?;
    Ok(())
}

/// Waits for any other transaction working on `key` (two deliveries of one shortage).
pub fn lock_source_key(conn: &mut PgConnection, key: &str) -> Result<(), AppError> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
        .bind::<Text, _>(key)
        .execute(conn)?;
    Ok(())
}

pub fn source_key_known(conn: &mut PgConnection, key: &str) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        purchase_requests::table.filter(purchase_requests::source_key.eq(key)),
    ))
    .get_result(conn)?)
}
