//! The activity history of a customer (calls, visits, e-mails, meetings, notes, with references
//! to recordings and scans) and the follow-ups each one plans. Whoever sees the customer reads
//! and adds to its history.

use crate::db::activities::{self, Activity, FollowUp, NewActivity};
use crate::db::{customers, opportunities};
use crate::domain::pipeline::{self, ActivityKind};
use crate::domain::visibility::scope;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator, clean};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

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

impl ActivityInput {
    /// The input checked (422 naming each bad field) and cleaned; the time is now when absent.
    pub fn validate(mut self) -> Result<Self, AppError> {
        let occurred_at = self.occurred_at.unwrap_or_else(Utc::now);
        let mut v = Validator::new();
        v.text("subject", &self.subject, 300);
        self.outcome = clean(self.outcome.as_deref());
        v.optional_text("outcome", self.outcome.as_deref(), 4000);
        pipeline::check_follow_up(&mut v, erp_calendar::date_of(occurred_at), self.next_follow_up);
        self.attachments = self.attachments.iter().map(|s| s.trim().to_owned()).collect();
        pipeline::check_attachments(&mut v, &self.attachments);
        v.finish()?;
        self.subject = self.subject.trim().to_owned();
        self.occurred_at = Some(occurred_at);
        Ok(self)
    }
}

/// The activities of a customer `actor` sees (of one opportunity when given), newest first.
pub fn of_customer(
    c: &mut PgConnection,
    actor: &CurrentUser,
    customer: Uuid,
    opportunity: Option<Uuid>,
    paging: &Paging,
) -> Result<Page<Activity>, AppError> {
    customers::visible_customer(c, scope(actor), customer)?;
    let after = match paging.cursor {
        Some(cursor) => {
            let at = activities::occurred_at_of(c, customer, cursor)?
                .ok_or_else(|| AppError::BadRequest("the cursor is not an activity of this customer".into()))?;
            Some((at, cursor))
        }
        None => None,
    };
    let rows = activities::of_customer(c, customer, opportunity, after, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

/// Logs an activity (validated by [`ActivityInput::validate`]) on a customer `actor` sees.
pub fn log(c: &mut PgConnection, actor: &CurrentUser, customer: Uuid, a: &ActivityInput) -> Result<Activity, AppError> {
    customers::visible_customer(c, scope(actor), customer)?;
    if let Some(o) = a.opportunity_id
        && opportunities::customer_of(c, o)? != Some(customer)
    {
        return Err(AppError::validation(
            "opportunity_id",
            "is not an opportunity of this customer",
        ));
    }
    activities::insert(
        c,
        &NewActivity {
            id: Uuid::now_v7(),
            customer_id: customer,
            opportunity_id: a.opportunity_id,
            kind: a.kind.as_str(),
            subject: a.subject.clone(),
            outcome: a.outcome.clone(),
            occurred_at: a.occurred_at.unwrap_or_else(Utc::now),
            next_follow_up: a.next_follow_up,
            attachments: a.attachments.clone(),
            created_by: actor.id,
            created_by_name: actor.name.clone(),
        },
    )
}

/// `actor`'s follow-ups due by `until`: for each customer it still sees, the newest activity it
/// logged there, when that plans a next contact on or before `until`.
pub fn follow_ups(
    c: &mut PgConnection,
    actor: &CurrentUser,
    until: NaiveDate,
    paging: &Paging,
) -> Result<Page<FollowUp>, AppError> {
    let after = match paging.cursor {
        Some(cursor) => {
            let date = activities::follow_up_of(c, actor.id, cursor)?
                .ok_or_else(|| AppError::BadRequest("the cursor is not one of your follow-ups".into()))?;
            Some((date, cursor))
        }
        None => None,
    };
    let rows = activities::follow_ups(c, actor.id, scope(actor), until, after, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.activity_id))
}
