//! The activity history of a customer (calls, visits, e-mails, meetings, notes, with references
//! to recordings and scans) and the follow-ups each one plans. Whoever sees the customer reads
//! and adds to its history; a customer one may not see is a 404.

use crate::db::pipeline::{Activity, FollowUp, activities, follow_ups, opportunities};
use crate::db::{self};
use crate::domain::pipeline::{self, ActivityKind};
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_follow_ups)
        .service(list_customer_activities)
        .service(log_activity);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub subject: String,
    pub outcome: Option<String>,
    /// When it happened; now when absent.
    pub occurred_at: Option<DateTime<Utc>>,
    /// When to contact the customer next (on or after the day of the activity).
    pub next_follow_up: Option<NaiveDate>,
    /// References to stored files (call recordings, photos, signed scans); at most 20.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// An opportunity of this customer the activity belongs to.
    pub opportunity_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// Only the activities of this opportunity.
    pub opportunity_id: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (newest first).
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Follow-ups planned on or before this day; today (in the company's time zone) when absent.
    pub until: Option<NaiveDate>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpPage {
    /// Earliest first.
    pub items: Vec<FollowUp>,
    pub next_cursor: Option<Uuid>,
}

#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path, description = "customer id"), ActivityQuery),
    responses(
        (status = 200, body = ActivityPage),
        (status = 404, description = "unknown customer, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/activities")]
async fn list_customer_activities(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    query: web::Query<ActivityQuery>,
) -> Result<web::Json<ActivityPage>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        db::visible_customer(c, scope, id)?;
        let mut sql = activities::table
            .filter(activities::customer_id.eq(id))
            .select(Activity::as_select())
            .order((activities::occurred_at.desc(), activities::id.desc()))
            .limit(limit + 1)
            .into_boxed();
        if let Some(o) = q.opportunity_id {
            sql = sql.filter(activities::opportunity_id.eq(o));
        }
        if let Some(after) = q.cursor {
            let at: DateTime<Utc> = activities::table
                .find(after)
                .filter(activities::customer_id.eq(id))
                .select(activities::occurred_at)
                .first(c)
                .optional()?
                .ok_or_else(|| AppError::BadRequest("the cursor is not an activity of this customer".into()))?;
            sql = sql.filter(
                activities::occurred_at
                    .lt(at)
                    .or(activities::occurred_at.eq(at).and(activities::id.lt(after))),
            );
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(ActivityPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path, description = "customer id")),
    request_body = ActivityInput,
    responses(
        (status = 201, body = Activity),
        (status = 404, description = "unknown customer, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/activities")]
async fn log_activity(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ActivityInput>,
) -> Result<HttpResponse, AppError> {
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "activities are logged by those who see the customer".into(),
        ));
    }
    let id = id.into_inner();
    let a = body.into_inner();
    let occurred_at = a.occurred_at.unwrap_or_else(Utc::now);
    let mut v = Validator::new();
    v.text("subject", &a.subject, 300);
    let outcome = a.outcome.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    v.optional_text("outcome", outcome.as_deref(), 4000);
    pipeline::check_follow_up(&mut v, erp_calendar::date_of(occurred_at), a.next_follow_up);
    let attachments: Vec<String> = a.attachments.iter().map(|s| s.trim().to_owned()).collect();
    pipeline::check_attachments(&mut v, &attachments);
    v.finish()?;
    let subject = a.subject.trim().to_owned();
    let activity = erp_db::transaction(&ctx.pool, move |conn| {
        db::visible_customer(conn, scope, id)?;
        if let Some(o) = a.opportunity_id {
            let of_customer: Option<Uuid> = opportunities::table
                .find(o)
                .select(opportunities::customer_id)
                .first(conn)
                .optional()?;
            if of_customer != Some(id) {
                return Err(AppError::validation(
                    "opportunity_id",
                    "is not an opportunity of this customer",
                ));
            }
        }
        Ok(diesel::insert_into(activities::table)
            .values((
                activities::id.eq(Uuid::now_v7()),
                activities::customer_id.eq(id),
                activities::opportunity_id.eq(a.opportunity_id),
                activities::kind.eq(a.kind.as_str()),
                activities::subject.eq(&subject),
                activities::outcome.eq(&outcome),
                activities::occurred_at.eq(occurred_at),
                activities::next_follow_up.eq(a.next_follow_up),
                activities::attachments.eq(&attachments),
                activities::created_by.eq(user.id),
                activities::created_by_name.eq(&user.name),
            ))
            .returning(Activity::as_returning())
            .get_result(conn)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(activity))
}

/// My follow-ups due: for each customer I still see, the newest activity I logged there, when
/// it plans a next contact on or before `until`. A newer activity on the customer settles the
/// plan of an older one.
#[utoipa::path(
    tag = "activities",
    params(FollowUpQuery),
    responses(
        (status = 200, body = FollowUpPage),
    )
)]
#[get("/api/v1/activities/follow-ups")]
async fn my_follow_ups(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<FollowUpQuery>,
) -> Result<web::Json<FollowUpPage>, AppError> {
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "follow-ups are kept by those who see customers".into(),
        ));
    }
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let until = q.until.unwrap_or_else(erp_calendar::today);
    let me = user.id;
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let after = match q.cursor {
            Some(cursor) => {
                let date: Option<NaiveDate> = activities::table
                    .find(cursor)
                    .filter(activities::created_by.eq(me))
                    .select(activities::next_follow_up)
                    .first(c)
                    .optional()?
                    .flatten();
                let date =
                    date.ok_or_else(|| AppError::BadRequest("the cursor is not one of your follow-ups".into()))?;
                Some((date, cursor))
            }
            None => None,
        };
        let mut rows = follow_ups(c, me, scope, until, after, limit + 1)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.activity_id);
        Ok(FollowUpPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}
