//! Activities logged on customers, and the follow-ups they plan.

use super::opportunities::scope_binds;
use super::schema::activities;
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct Activity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub kind: String,
    pub subject: String,
    pub outcome: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub next_follow_up: Option<NaiveDate>,
    pub attachments: Vec<String>,
    pub created_by: Uuid,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// What a new activity is made of (validated by the caller).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = activities)]
pub struct NewActivity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    pub kind: &'static str,
    pub subject: String,
    pub outcome: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub next_follow_up: Option<NaiveDate>,
    pub attachments: Vec<String>,
    pub created_by: Uuid,
    pub created_by_name: String,
}

pub fn insert(conn: &mut PgConnection, a: &NewActivity) -> Result<Activity, AppError> {
    Ok(diesel::insert_into(activities::table)
        .values(a)
        .returning(Activity::as_returning())
        .get_result(conn)?)
}

/// When an activity of the customer happened, if it is one of the customer's.
pub fn occurred_at_of(conn: &mut PgConnection, customer: Uuid, id: Uuid) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(activities::table
        .find(id)
        .filter(activities::customer_id.eq(customer))
        .select(activities::occurred_at)
        .first(conn)
        .optional()?)
}

/// The customer's activities (of one opportunity when given), newest first; the cursor is the
/// (time, id) of the last one of the previous page.
pub fn of_customer(
    conn: &mut PgConnection,
    customer: Uuid,
    opportunity: Option<Uuid>,
    after: Option<(DateTime<Utc>, Uuid)>,
    paging: &Paging,
) -> Result<Vec<Activity>, AppError> {
    let mut sql = activities::table
        .filter(activities::customer_id.eq(customer))
        .select(Activity::as_select())
        .order((activities::occurred_at.desc(), activities::id.desc()))
        .limit(paging.fetch())
        .into_boxed();
    if let Some(o) = opportunity {
        sql = sql.filter(activities::opportunity_id.eq(o));
    }
    if let Some((at, id)) = after {
        sql = sql.filter(
            activities::occurred_at
                .lt(at)
                .or(activities::occurred_at.eq(at).and(activities::id.lt(id))),
        );
    }
    Ok(sql.load(conn)?)
}

/// The follow-up date an activity of `user` planned, if it is the user's and plans one.
pub fn follow_up_of(conn: &mut PgConnection, user: Uuid, id: Uuid) -> Result<Option<NaiveDate>, AppError> {
    Ok(activities::table
        .find(id)
        .filter(activities::created_by.eq(user))
        .select(activities::next_follow_up)
        .first(conn)
        .optional()?
        .flatten())
}

/// A follow-up due: the newest activity one logged on a customer, with the date it planned.
#[derive(Debug, Clone, QueryableByName)]
pub struct FollowUp {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub activity_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub customer_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub customer_code: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub customer_name: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub customer_phone: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub opportunity_id: Option<Uuid>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub subject: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub occurred_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub next_follow_up: NaiveDate,
}

/// `user`'s follow-ups due by `until`: per active customer the user still sees, the newest
/// activity the user logged there, if it plans a follow-up on or before `until` (a later
/// activity settles an earlier plan). Ordered by date, then activity; `after` is the (date,
/// activity) of the previous page.
pub fn follow_ups(
    conn: &mut PgConnection,
    user: Uuid,
    scope: Scope,
    until: NaiveDate,
    after: Option<(NaiveDate, Uuid)>,
    paging: &Paging,
) -> Result<Vec<FollowUp>, AppError> {
    use diesel::sql_types::{BigInt, Bool, Date, Nullable, Uuid as SqlUuid};
    let Some((all, me, department)) = scope_binds(scope) else {
        return Ok(Vec::new());
    };
    Ok(diesel::sql_query(
        "SELECT * FROM ( \
           SELECT DISTINCT ON (a.customer_id) a.id AS activity_id, a.customer_id, c.code AS customer_code, \
             c.name AS customer_name, c.phone AS customer_phone, a.opportunity_id, a.kind, a.subject, \
             a.occurred_at, a.next_follow_up \
           FROM activities a JOIN customers c ON c.id = a.customer_id \
           WHERE a.created_by = $1 AND c.active \
             AND ($6 OR c.owner_id = $7 OR ($8::uuid IS NOT NULL AND c.department_id = $8)) \
           ORDER BY a.customer_id, a.occurred_at DESC, a.id DESC \
         ) latest \
         WHERE next_follow_up IS NOT NULL AND next_follow_up <= $2 \
           AND ($3::date IS NULL OR (next_follow_up, activity_id) > ($3, $4)) \
         ORDER BY next_follow_up, activity_id \
         LIMIT $5",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Date, _>(until)
    .bind::<Nullable<Date>, _>(after.map(|a| a.0))
    .bind::<Nullable<SqlUuid>, _>(after.map(|a| a.1))
    .bind::<BigInt, _>(paging.fetch())
    .bind::<Bool, _>(all)
    .bind::<Nullable<SqlUuid>, _>(me)
    .bind::<Nullable<SqlUuid>, _>(department)
    .load(conn)?)
}
