//! Tables, models and queries of the sales follow-up: leads, opportunities with their stage
//! history, and activities.

use crate::db::schema::customers;
use crate::domain::pipeline::{self, FunnelGroup, LeadParties, Stage};
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

diesel::table! {
    leads (id) {
        id -> Uuid,
        channel -> Text,
        kind -> Text,
        name -> Text,
        contact_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        need -> Nullable<Text>,
        status -> Text,
        created_by -> Uuid,
        created_by_name -> Text,
        assigned_to -> Nullable<Uuid>,
        assigned_to_name -> Nullable<Text>,
        department_id -> Nullable<Uuid>,
        assigned_at -> Nullable<Timestamptz>,
        customer_id -> Nullable<Uuid>,
        opportunity_id -> Nullable<Uuid>,
        disqualify_reason -> Nullable<Text>,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
        search_text -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    opportunities (id) {
        id -> Uuid,
        customer_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        stage -> Text,
        amount -> Numeric,
        currency -> Text,
        probability -> Int4,
        expected_close_date -> Nullable<Date>,
        owner_id -> Uuid,
        department_id -> Nullable<Uuid>,
        lead_id -> Nullable<Uuid>,
        lost_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    opportunity_stage_changes (id) {
        id -> Uuid,
        opportunity_id -> Uuid,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        probability -> Int4,
        reason -> Nullable<Text>,
        changed_by -> Uuid,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    activities (id) {
        id -> Uuid,
        customer_id -> Uuid,
        opportunity_id -> Nullable<Uuid>,
        kind -> Text,
        subject -> Text,
        outcome -> Nullable<Text>,
        occurred_at -> Timestamptz,
        next_follow_up -> Nullable<Date>,
        attachments -> Array<Text>,
        created_by -> Uuid,
        created_by_name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(opportunities -> customers (customer_id));
diesel::joinable!(activities -> customers (customer_id));
diesel::joinable!(opportunity_stage_changes -> opportunities (opportunity_id));
diesel::allow_tables_to_appear_in_same_query!(leads, opportunities, opportunity_stage_changes, activities, customers);

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = leads)]
pub struct Lead {
    pub id: Uuid,
    /// seo, google_ads, facebook, zalo, website, exhibition or referral.
    pub channel: String,
    /// `company` or `person`.
    pub kind: String,
    /// The company's or the person's name.
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// What the lead is looking for.
    pub need: Option<String>,
    /// new, assigned, converted or disqualified.
    pub status: String,
    pub created_by: Uuid,
    pub created_by_name: String,
    /// The salesperson who follows the lead up.
    pub assigned_to: Option<Uuid>,
    pub assigned_to_name: Option<String>,
    /// The assignee's department when it was assigned.
    pub department_id: Option<Uuid>,
    pub assigned_at: Option<DateTime<Utc>>,
    /// The customer it became.
    pub customer_id: Option<Uuid>,
    /// The opportunity opened on converting, if any.
    pub opportunity_id: Option<Uuid>,
    pub disqualify_reason: Option<String>,
    /// Who converted or disqualified it, and when.
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(skip)]
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

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = opportunities)]
pub struct Opportunity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// qualification, needs, proposal, negotiation, won or lost.
    pub stage: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// Percent, 0–100.
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    /// The lead it came from.
    pub lead_id: Option<Uuid>,
    pub lost_reason: Option<String>,
    /// When it was won or lost.
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = opportunity_stage_changes)]
pub struct StageChange {
    #[serde(skip)]
    pub id: Uuid,
    #[serde(skip)]
    pub opportunity_id: Uuid,
    /// None for the stage it was opened in.
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub probability: i32,
    pub reason: Option<String>,
    pub changed_by: Uuid,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = activities)]
pub struct Activity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub opportunity_id: Option<Uuid>,
    /// call, visit, email, meeting or note.
    pub kind: String,
    pub subject: String,
    pub outcome: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// When to contact the customer next.
    pub next_follow_up: Option<NaiveDate>,
    /// References to stored files: call recordings, photos, signed scans.
    pub attachments: Vec<String>,
    pub created_by: Uuid,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// A lead the user may see, else 404.
pub fn visible_lead(conn: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<Lead, AppError> {
    let q = leads::table.find(id).select(Lead::as_select());
    let lead = if lock {
        q.for_update().first(conn).optional()?
    } else {
        q.first(conn).optional()?
    };
    lead.filter(|l| pipeline::sees_lead(scope, l.parties()))
        .ok_or_else(|| AppError::not_found("lead"))
}

/// An opportunity the user may see (by its owner and department, as customers), else 404.
pub fn visible_opportunity(
    conn: &mut PgConnection,
    scope: Scope,
    id: Uuid,
    lock: bool,
) -> Result<Opportunity, AppError> {
    let q = opportunities::table.find(id).select(Opportunity::as_select());
    let o = if lock {
        q.for_update().first(conn).optional()?
    } else {
        q.first(conn).optional()?
    };
    o.filter(|o| scope.sees(o.owner_id, o.department_id))
        .ok_or_else(|| AppError::not_found("opportunity"))
}

pub fn stage_history(conn: &mut PgConnection, opportunity: Uuid) -> Result<Vec<StageChange>, AppError> {
    Ok(opportunity_stage_changes::table
        .filter(opportunity_stage_changes::opportunity_id.eq(opportunity))
        .order((opportunity_stage_changes::changed_at, opportunity_stage_changes::id))
        .select(StageChange::as_select())
        .load(conn)?)
}

pub fn record_stage(
    conn: &mut PgConnection,
    opportunity: Uuid,
    from: Option<Stage>,
    to: Stage,
    probability: i32,
    reason: Option<&str>,
    by: Uuid,
) -> Result<(), AppError> {
    diesel::insert_into(opportunity_stage_changes::table)
        .values((
            opportunity_stage_changes::id.eq(Uuid::now_v7()),
            opportunity_stage_changes::opportunity_id.eq(opportunity),
            opportunity_stage_changes::from_stage.eq(from.map(Stage::as_str)),
            opportunity_stage_changes::to_stage.eq(to.as_str()),
            opportunity_stage_changes::probability.eq(probability),
            opportunity_stage_changes::reason.eq(reason),
            opportunity_stage_changes::changed_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a new opportunity is made of (validated by the caller).
pub struct NewOpportunity<'a> {
    pub customer_id: Uuid,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub stage: Stage,
    pub amount: Decimal,
    pub currency: &'a str,
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub created_by: Uuid,
}

/// Inserts the opportunity and the first row of its stage history.
pub fn insert_opportunity(conn: &mut PgConnection, o: &NewOpportunity<'_>) -> Result<Opportunity, AppError> {
    let id = Uuid::now_v7();
    let row = diesel::insert_into(opportunities::table)
        .values((
            opportunities::id.eq(id),
            opportunities::customer_id.eq(o.customer_id),
            opportunities::name.eq(o.name),
            opportunities::description.eq(o.description),
            opportunities::stage.eq(o.stage.as_str()),
            opportunities::amount.eq(o.amount),
            opportunities::currency.eq(o.currency),
            opportunities::probability.eq(o.probability),
            opportunities::expected_close_date.eq(o.expected_close_date),
            opportunities::owner_id.eq(o.owner_id),
            opportunities::department_id.eq(o.department_id),
            opportunities::lead_id.eq(o.lead_id),
            opportunities::created_by.eq(o.created_by),
        ))
        .returning(Opportunity::as_returning())
        .get_result(conn)?;
    record_stage(conn, id, None, o.stage, o.probability, None, o.created_by)?;
    Ok(row)
}

#[derive(QueryableByName)]
struct FunnelRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    stage: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    currency: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    probability: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    amount: Decimal,
}

/// A scope as SQL parameters: (sees all, me, my department); none when it sees nothing.
/// Mirrors [`Scope::sees`] as `$all OR owner = $me OR ($dept IS NOT NULL AND department = $dept)`.
fn scope_binds(scope: Scope) -> Option<(bool, Option<Uuid>, Option<Uuid>)> {
    match scope {
        Scope::All => Some((true, None, None)),
        Scope::Department { department, me } => Some((false, Some(me), department)),
        Scope::Own(me) => Some((false, Some(me), None)),
        Scope::Nothing => None,
    }
}

/// The opportunities the scope sees (narrowed to an owner and a department when given),
/// grouped by stage, currency and probability.
pub fn funnel_groups(
    conn: &mut PgConnection,
    scope: Scope,
    owner: Option<Uuid>,
    department: Option<Uuid>,
) -> Result<Vec<FunnelGroup>, AppError> {
    use diesel::sql_types::{Bool, Nullable, Uuid as SqlUuid};
    let Some((all, me, scope_department)) = scope_binds(scope) else {
        return Ok(Vec::new());
    };
    let rows: Vec<FunnelRow> = diesel::sql_query(
        "SELECT stage, currency, probability, count(*) AS count, sum(amount) AS amount \
         FROM opportunities \
         WHERE ($1 OR owner_id = $2 OR ($3::uuid IS NOT NULL AND department_id = $3)) \
           AND ($4::uuid IS NULL OR owner_id = $4) \
           AND ($5::uuid IS NULL OR department_id = $5) \
         GROUP BY stage, currency, probability",
    )
    .bind::<Bool, _>(all)
    .bind::<Nullable<SqlUuid>, _>(me)
    .bind::<Nullable<SqlUuid>, _>(scope_department)
    .bind::<Nullable<SqlUuid>, _>(owner)
    .bind::<Nullable<SqlUuid>, _>(department)
    .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(FunnelGroup {
                stage: Stage::parse(&r.stage)?,
                currency: r.currency,
                probability: r.probability,
                count: r.count,
                amount: r.amount,
            })
        })
        .collect()
}

/// A follow-up due: the newest activity one logged on a customer, with the date it planned.
#[derive(Debug, Clone, QueryableByName, Serialize, ToSchema)]
pub struct FollowUp {
    /// The activity that planned it.
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
    limit: i64,
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
    .bind::<BigInt, _>(limit)
    .bind::<Bool, _>(all)
    .bind::<Nullable<SqlUuid>, _>(me)
    .bind::<Nullable<SqlUuid>, _>(department)
    .load(conn)?)
}
