//! Marketing leads.

use super::schema::leads;
use crate::domain::pipeline::{LeadParties, LeadStatus, sees_lead};
use crate::domain::visibility::Scope;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = leads)]
pub struct Lead {
    pub id: Uuid,
    pub channel: String,
    pub kind: String,
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub need: Option<String>,
    pub status: LeadStatus,
    pub created_by: Uuid,
    pub created_by_name: String,
    pub assigned_to: Option<Uuid>,
    pub assigned_to_name: Option<String>,
    pub department_id: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub customer_id: Option<Uuid>,
    pub opportunity_id: Option<Uuid>,
    pub disqualify_reason: Option<String>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Lead {
    pub fn parties(&self) -> LeadParties {
        LeadParties {
            created_by: self.created_by,
            assigned_to: self.assigned_to,
            department_id: self.department_id,
        }
    }
}

/// The details of a lead its creator gives and may correct while it is open.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = leads, treat_none_as_null = true)]
pub struct LeadDetails {
    pub channel: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub need: Option<String>,
    pub search_text: String,
}

/// Who recorded a new lead and to whom it is assigned at once, if anyone.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = leads)]
pub struct LeadOrigin {
    pub status: LeadStatus,
    pub created_by: Uuid,
    pub created_by_name: String,
    pub assigned_to: Option<Uuid>,
    pub assigned_to_name: Option<String>,
    pub department_id: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
}

/// The lead list's filters.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    /// Folded search text.
    pub text: Option<String>,
    pub status: Option<LeadStatus>,
    pub channel: Option<String>,
    pub assigned_to: Option<Uuid>,
}

fn find(conn: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<Lead, AppError> {
    let q = leads::table.find(id).select(Lead::as_select());
    let lead = if lock {
        q.for_update().first(conn).optional()?
    } else {
        q.first(conn).optional()?
    };
    lead.filter(|l| sees_lead(scope, l.parties()))
        .ok_or_else(|| AppError::not_found("lead"))
}

/// A lead the user may see, else 404.
pub fn visible(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Lead, AppError> {
    find(conn, scope, id, false)
}

/// A lead the user may see (404 otherwise), locked for the rest of the transaction.
pub fn lock_visible(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Lead, AppError> {
    find(conn, scope, id, true)
}

/// The leads `scope` sees, newest first (the query form of `sees_lead`).
pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    filter: &LeadFilter,
    paging: &Paging,
) -> Result<Vec<Lead>, AppError> {
    let mut sql = leads::table
        .select(Lead::as_select())
        .order(leads::id.desc())
        .limit(paging.fetch())
        .into_boxed();
    sql = match scope {
        Scope::All => sql,
        Scope::Department {
            department: Some(d),
            me,
        } => sql.filter(
            leads::created_by
                .eq(me)
                .nullable()
                .or(leads::assigned_to.eq(me))
                .or(leads::assigned_to.is_null().nullable())
                .or(leads::department_id.eq(d)),
        ),
        Scope::Department { department: None, me } => sql.filter(
            leads::created_by
                .eq(me)
                .nullable()
                .or(leads::assigned_to.eq(me))
                .or(leads::assigned_to.is_null().nullable()),
        ),
        Scope::Own(me) => sql.filter(leads::created_by.eq(me).nullable().or(leads::assigned_to.eq(me))),
        Scope::Nothing => sql.filter(leads::id.is_null()),
    };
    if let Some(text) = &filter.text {
        sql = sql.filter(leads::search_text.like(erp_db::like_pattern(text)));
    }
    if let Some(s) = filter.status {
        sql = sql.filter(leads::status.eq(s));
    }
    if let Some(ch) = &filter.channel {
        sql = sql.filter(leads::channel.eq(ch));
    }
    if let Some(a) = filter.assigned_to {
        sql = sql.filter(leads::assigned_to.eq(a));
    }
    if let Some(before) = paging.cursor {
        sql = sql.filter(leads::id.lt(before));
    }
    Ok(sql.load(conn)?)
}

pub fn insert(conn: &mut PgConnection, details: &LeadDetails, origin: &LeadOrigin) -> Result<Lead, AppError> {
    Ok(diesel::insert_into(leads::table)
        .values((leads::id.eq(Uuid::now_v7()), details, origin))
        .returning(Lead::as_returning())
        .get_result(conn)?)
}

/// Corrects the details and takes the version one up.
pub fn update_details(conn: &mut PgConnection, id: Uuid, details: &LeadDetails) -> Result<Lead, AppError> {
    Ok(diesel::update(leads::table.find(id))
        .set((
            details,
            leads::version.eq(leads::version + 1),
            leads::updated_at.eq(Utc::now()),
        ))
        .returning(Lead::as_returning())
        .get_result(conn)?)
}

/// The salesperson a lead is handed to.
#[derive(Debug, Clone)]
pub struct Assignee<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub department_id: Option<Uuid>,
}

pub fn assign(conn: &mut PgConnection, id: Uuid, status: LeadStatus, to: &Assignee<'_>) -> Result<Lead, AppError> {
    let now = Utc::now();
    Ok(diesel::update(leads::table.find(id))
        .set((
            leads::status.eq(status),
            leads::assigned_to.eq(Some(to.id)),
            leads::assigned_to_name.eq(Some(to.name)),
            leads::department_id.eq(to.department_id),
            leads::assigned_at.eq(Some(now)),
            leads::version.eq(leads::version + 1),
            leads::updated_at.eq(now),
        ))
        .returning(Lead::as_returning())
        .get_result(conn)?)
}

/// Closes the lead as converted into `customer` (and `opportunity`), by `by`.
pub fn convert(
    conn: &mut PgConnection,
    id: Uuid,
    status: LeadStatus,
    customer: Uuid,
    opportunity: Option<Uuid>,
    by: Uuid,
) -> Result<Lead, AppError> {
    let now = Utc::now();
    Ok(diesel::update(leads::table.find(id))
        .set((
            leads::status.eq(status),
            leads::customer_id.eq(Some(customer)),
            leads::opportunity_id.eq(opportunity),
            leads::closed_by.eq(Some(by)),
            leads::closed_at.eq(Some(now)),
            leads::version.eq(leads::version + 1),
            leads::updated_at.eq(now),
        ))
        .returning(Lead::as_returning())
        .get_result(conn)?)
}

/// Closes the lead as not worth following, with the reason, by `by`.
pub fn disqualify(
    conn: &mut PgConnection,
    id: Uuid,
    status: LeadStatus,
    reason: &str,
    by: Uuid,
) -> Result<Lead, AppError> {
    let now = Utc::now();
    Ok(diesel::update(leads::table.find(id))
        .set((
            leads::status.eq(status),
            leads::disqualify_reason.eq(Some(reason)),
            leads::closed_by.eq(Some(by)),
            leads::closed_at.eq(Some(now)),
            leads::version.eq(leads::version + 1),
            leads::updated_at.eq(now),
        ))
        .returning(Lead::as_returning())
        .get_result(conn)?)
}
