//! The activity history of a customer (calls, visits, e-mails, meetings, notes, with references
//! to recordings and scans) and the follow-ups each one plans. Whoever sees the customer reads
//! and adds to its history; a customer one may not see is a 404.

use crate::app::activities::{self as app, ActivityInput};
use crate::db::activities as rows;
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem};
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

#[derive(Debug, Serialize, ToSchema)]
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

impl From<rows::Activity> for Activity {
    fn from(a: rows::Activity) -> Self {
        Activity {
            id: a.id,
            customer_id: a.customer_id,
            opportunity_id: a.opportunity_id,
            kind: a.kind,
            subject: a.subject,
            outcome: a.outcome,
            occurred_at: a.occurred_at,
            next_follow_up: a.next_follow_up,
            attachments: a.attachments,
            created_by: a.created_by,
            created_by_name: a.created_by_name,
            created_at: a.created_at,
        }
    }
}

/// A follow-up due: the newest activity one logged on a customer, with the date it planned.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUp {
    /// The activity that planned it.
    pub activity_id: Uuid,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub opportunity_id: Option<Uuid>,
    pub kind: String,
    pub subject: String,
    pub occurred_at: DateTime<Utc>,
    pub next_follow_up: NaiveDate,
}

impl From<rows::FollowUp> for FollowUp {
    fn from(f: rows::FollowUp) -> Self {
        FollowUp {
            activity_id: f.activity_id,
            customer_id: f.customer_id,
            customer_code: f.customer_code,
            customer_name: f.customer_name,
            customer_phone: f.customer_phone,
            opportunity_id: f.opportunity_id,
            kind: f.kind,
            subject: f.subject,
            occurred_at: f.occurred_at,
            next_follow_up: f.next_follow_up,
        }
    }
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

impl From<Page<rows::Activity>> for ActivityPage {
    fn from(p: Page<rows::Activity>) -> Self {
        let p = p.map(Activity::from);
        ActivityPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
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

impl From<Page<rows::FollowUp>> for FollowUpPage {
    fn from(p: Page<rows::FollowUp>) -> Self {
        let p = p.map(FollowUp::from);
        FollowUpPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
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
    let id = id.into_inner();
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        app::of_customer(c, &user, id, q.opportunity_id, &paging)
    })
    .await?;
    Ok(web::Json(page.into()))
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
    if scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "activities are logged by those who see the customer".into(),
        ));
    }
    let id = id.into_inner();
    let input = body.into_inner().validate()?;
    let activity = erp_db::transaction(&ctx.pool, move |c| app::log(c, &user, id, &input)).await?;
    Ok(HttpResponse::Created().json(Activity::from(activity)))
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
    if scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "follow-ups are kept by those who see customers".into(),
        ));
    }
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let until = q.until.unwrap_or_else(erp_calendar::today);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::follow_ups(c, &user, until, &paging)).await?;
    Ok(web::Json(page.into()))
}
