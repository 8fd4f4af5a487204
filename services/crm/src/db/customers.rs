//! Customers, their contacts, and the open receivables finance reports for them.

use super::schema::{contacts, customer_balances, customers};
use super::visibility::scoped;
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct Customer {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub shipping_address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub grade: String,
    pub credit_limit: Decimal,
    pub currency: String,
    pub payment_terms: String,
    pub payment_days: i32,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub anniversary_date: Option<NaiveDate>,
    pub lease_expiry_date: Option<NaiveDate>,
    pub active: bool,
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct Contact {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub decision_maker: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_balances)]
pub struct CustomerBalance {
    pub customer_id: Uuid,
    pub currency: String,
    pub open_amount: Decimal,
    pub overdue_amount: Decimal,
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
}

/// A customer's own columns as a command sets them (validated by the caller); blank ones are
/// NULL. The owner and its department are set beside them.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct CustomerValues {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub shipping_address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub grade: &'static str,
    pub credit_limit: Decimal,
    pub currency: String,
    pub payment_terms: &'static str,
    pub payment_days: i32,
    pub anniversary_date: Option<NaiveDate>,
    pub lease_expiry_date: Option<NaiveDate>,
    pub search_text: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contacts)]
pub struct NewContact {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub decision_maker: bool,
}

/// The customer list's filters.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Folded search text.
    pub text: Option<String>,
    pub grade: Option<String>,
    pub owner_id: Option<Uuid>,
    pub active: Option<bool>,
}

/// A customer the user may see, else 404 (ids of others' customers reveal nothing).
pub fn visible_customer(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Customer, AppError> {
    let c = customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)
        .optional()?
        .filter(|c| scope.sees(c.owner_id, c.department_id))
        .ok_or_else(|| AppError::not_found("customer"))?;
    Ok(c)
}

pub fn lock_visible_customer(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Customer, AppError> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .filter(|c| scope.sees(c.owner_id, c.department_id))
        .ok_or_else(|| AppError::not_found("customer"))
}

/// The customers `scope` sees, by id after the cursor.
pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    filter: &CustomerFilter,
    paging: &Paging,
) -> Result<Vec<Customer>, AppError> {
    let mut sql = customers::table
        .select(Customer::as_select())
        .order(customers::id)
        .limit(paging.fetch())
        .into_boxed();
    sql = scoped!(sql, scope, customers::owner_id, customers::department_id, customers::id);
    if let Some(text) = &filter.text {
        sql = sql.filter(customers::search_text.like(erp_db::like_pattern(text)));
    }
    if let Some(g) = &filter.grade {
        sql = sql.filter(customers::grade.eq(g));
    }
    if let Some(o) = filter.owner_id {
        sql = sql.filter(customers::owner_id.eq(o));
    }
    if let Some(a) = filter.active {
        sql = sql.filter(customers::active.eq(a));
    }
    if let Some(after) = paging.cursor {
        sql = sql.filter(customers::id.gt(after));
    }
    Ok(sql.load(conn)?)
}

/// Who owns a customer: a salesperson, and its department.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub id: Uuid,
    pub department_id: Option<Uuid>,
}

pub fn insert(conn: &mut PgConnection, id: Uuid, values: &CustomerValues, owner: Owner) -> Result<(), AppError> {
    diesel::insert_into(customers::table)
        .values((
            customers::id.eq(id),
            values,
            customers::owner_id.eq(owner.id),
            customers::department_id.eq(owner.department_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the customer's columns and owner, and takes its version one up.
pub fn update(conn: &mut PgConnection, id: Uuid, values: &CustomerValues, owner: Owner) -> Result<(), AppError> {
    diesel::update(customers::table.find(id))
        .set((
            values,
            customers::owner_id.eq(owner.id),
            customers::department_id.eq(owner.department_id),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn deactivate(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(customers::table.find(id))
        .set((
            customers::active.eq(false),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The customer's code and name.
pub fn code_and_name(conn: &mut PgConnection, id: Uuid) -> Result<(String, String), AppError> {
    Ok(customers::table
        .find(id)
        .select((customers::code, customers::name))
        .first(conn)?)
}

pub fn contacts_of(conn: &mut PgConnection, customer: Uuid) -> Result<Vec<Contact>, AppError> {
    Ok(contacts::table
        .filter(contacts::customer_id.eq(customer))
        .order(contacts::created_at)
        .select(Contact::as_select())
        .load(conn)?)
}

pub fn insert_contact(conn: &mut PgConnection, contact: &NewContact) -> Result<Contact, AppError> {
    Ok(diesel::insert_into(contacts::table)
        .values(contact)
        .returning(Contact::as_returning())
        .get_result(conn)?)
}

/// Deletes a contact of the customer; false when it has no such contact.
pub fn delete_contact(conn: &mut PgConnection, customer: Uuid, contact: Uuid) -> Result<bool, AppError> {
    let n = diesel::delete(
        contacts::table
            .filter(contacts::id.eq(contact))
            .filter(contacts::customer_id.eq(customer)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

pub fn balance_of(conn: &mut PgConnection, customer: Uuid) -> Result<Option<CustomerBalance>, AppError> {
    Ok(customer_balances::table
        .find(customer)
        .select(CustomerBalance::as_select())
        .first(conn)
        .optional()?)
}
