//! Opportunities and the history of the stages they entered; the funnel's groups.

use super::schema::{customers, opportunities, opportunity_stage_changes};
use crate::domain::pipeline::{FunnelGroup, Stage};
use crate::domain::visibility::Scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_db::Paging;
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = opportunities)]
pub struct Opportunity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub stage: Stage,
    pub amount: Decimal,
    pub currency: String,
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = opportunity_stage_changes)]
pub struct StageChange {
    pub id: Uuid,
    pub opportunity_id: Uuid,
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub probability: i32,
    pub reason: Option<String>,
    pub changed_by: Uuid,
    pub changed_at: DateTime<Utc>,
}

/// An opportunity with its customer's code and name, as lists show it.
#[derive(Debug, Clone, Queryable)]
pub struct OpportunityWithCustomer {
    pub opportunity: Opportunity,
    pub customer_code: String,
    pub customer_name: String,
}

/// What a new opportunity is made of (validated by the caller).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = opportunities)]
pub struct NewOpportunity {
    pub customer_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub stage: Stage,
    pub amount: Decimal,
    pub currency: String,
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    pub created_by: Uuid,
}

/// What a change of an open opportunity sets.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = opportunities, treat_none_as_null = true)]
pub struct OpportunityChange {
    pub name: String,
    pub description: Option<String>,
    pub amount: Decimal,
    pub currency: String,
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
}

/// The opportunity list's filters.
#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    /// As typed: matched on the name as is, on the customer's search text folded.
    pub text: Option<String>,
    pub stage: Option<Stage>,
    pub open: Option<bool>,
    pub owner_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
}

fn find(conn: &mut PgConnection, scope: Scope, id: Uuid, lock: bool) -> Result<Opportunity, AppError> {
    let q = opportunities::table.find(id).select(Opportunity::as_select());
    let o = if lock {
        q.for_update().first(conn).optional()?
    } else {
        q.first(conn).optional()?
    };
    o.filter(|o| scope.sees(o.owner_id, o.department_id))
        .ok_or_else(|| AppError::not_found("opportunity"))
}

/// An opportunity the user may see (by its owner and department, as customers), else 404.
pub fn visible(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Opportunity, AppError> {
    find(conn, scope, id, false)
}

/// As [`visible`], locked for the rest of the transaction.
pub fn lock_visible(conn: &mut PgConnection, scope: Scope, id: Uuid) -> Result<Opportunity, AppError> {
    find(conn, scope, id, true)
}

/// The customer an opportunity is of, if it exists.
pub fn customer_of(conn: &mut PgConnection, id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(opportunities::table
        .find(id)
        .select(opportunities::customer_id)
        .first(conn)
        .optional()?)
}

/// The opportunities `scope` sees with their customers, newest first.
pub fn list(
    conn: &mut PgConnection,
    scope: Scope,
    filter: &OpportunityFilter,
    paging: &Paging,
) -> Result<Vec<OpportunityWithCustomer>, AppError> {
    let mut sql = opportunities::table
        .inner_join(customers::table)
        .select((Opportunity::as_select(), customers::code, customers::name))
        .order(opportunities::id.desc())
        .limit(paging.fetch())
        .into_boxed();
    sql = match scope {
        Scope::All => sql,
        Scope::Department {
            department: Some(d),
            me,
        } => sql.filter(
            opportunities::department_id
                .eq(d)
                .or(opportunities::owner_id.eq(me).nullable()),
        ),
        Scope::Department { department: None, me } | Scope::Own(me) => sql.filter(opportunities::owner_id.eq(me)),
        Scope::Nothing => sql.filter(opportunities::id.is_null()),
    };
    if let Some(text) = &filter.text {
        sql = sql.filter(
            opportunities::name
                .ilike(erp_db::like_pattern(text))
                .or(customers::search_text.like(erp_db::like_pattern(&erp_db::fold_search(text)))),
        );
    }
    if let Some(s) = filter.stage {
        sql = sql.filter(opportunities::stage.eq(s));
    }
    match filter.open {
        Some(true) => sql = sql.filter(opportunities::stage.eq_any(&Stage::OPEN)),
        Some(false) => sql = sql.filter(opportunities::stage.ne_all(&Stage::OPEN)),
        None => {}
    }
    if let Some(o) = filter.owner_id {
        sql = sql.filter(opportunities::owner_id.eq(o));
    }
    if let Some(cu) = filter.customer_id {
        sql = sql.filter(opportunities::customer_id.eq(cu));
    }
    if let Some(before) = paging.cursor {
        sql = sql.filter(opportunities::id.lt(before));
    }
    Ok(sql.load(conn)?)
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
            opportunity_stage_changes::from_stage.eq(from),
            opportunity_stage_changes::to_stage.eq(to),
            opportunity_stage_changes::probability.eq(probability),
            opportunity_stage_changes::reason.eq(reason),
            opportunity_stage_changes::changed_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Inserts the opportunity and the first row of its stage history.
pub fn insert(conn: &mut PgConnection, o: &NewOpportunity) -> Result<Opportunity, AppError> {
    let id = Uuid::now_v7();
    let row = diesel::insert_into(opportunities::table)
        .values((opportunities::id.eq(id), o))
        .returning(Opportunity::as_returning())
        .get_result(conn)?;
    record_stage(conn, id, None, o.stage, o.probability, None, o.created_by)?;
    Ok(row)
}

/// Changes an open opportunity's details and takes its version one up.
pub fn update(conn: &mut PgConnection, id: Uuid, change: &OpportunityChange) -> Result<(), AppError> {
    diesel::update(opportunities::table.find(id))
        .set((
            change,
            opportunities::version.eq(opportunities::version + 1),
            opportunities::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts the opportunity in `to`: the lost reason only when lost, closed when won or lost.
pub fn move_stage(
    conn: &mut PgConnection,
    id: Uuid,
    to: Stage,
    probability: i32,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let now = Utc::now();
    diesel::update(opportunities::table.find(id))
        .set((
            opportunities::stage.eq(to),
            opportunities::probability.eq(probability),
            opportunities::lost_reason.eq(if to == Stage::Lost { reason } else { None }),
            opportunities::closed_at.eq(if to.is_open() { None } else { Some(now) }),
            opportunities::version.eq(opportunities::version + 1),
            opportunities::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct FunnelRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    stage: Stage,
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
pub(super) fn scope_binds(scope: Scope) -> Option<(bool, Option<Uuid>, Option<Uuid>)> {
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
    Ok(rows
        .into_iter()
        .map(|r| FunnelGroup {
            stage: r.stage,
            currency: r.currency,
            probability: r.probability,
            count: r.count,
            amount: r.amount,
        })
        .collect())
}
