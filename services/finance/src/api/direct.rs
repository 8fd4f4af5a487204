//! Direct entries (seed 001 §7): a cashier records money in (income) or out (expense) against
//! an account, by cash (111) or bank (112); it waits as `pending_review` until a finance manager
//! other than its author posts it or rejects it.

use super::{FINANCE, MANAGERS, READERS, clean, wrong_state};
use crate::db::ledger::{self, NewEntry, NewLine, PostMeta, Source};
use crate::db::{self, DirectEntry, schema::direct_entries};
use crate::domain::chart;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_direct)
        .service(get_direct)
        .service(create_direct)
        .service(approve_direct)
        .service(reject_direct);
}

const STATUSES: [&str; 3] = ["pending_review", "posted", "rejected"];

#[derive(Debug, Deserialize, ToSchema)]
pub struct DirectEntryInput {
    /// `income` (Dr cash/bank, Cr account) or `expense` (Dr account, Cr cash/bank).
    pub kind: String,
    /// The income or expense account, e.g. `711`, `642`, `334`.
    pub account: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// `cash` or `bank`.
    pub via: String,
    /// Today when absent.
    pub entry_date: Option<NaiveDate>,
    pub memo: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// Required to reject.
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectQuery {
    /// `pending_review` (the finance manager's work list), `posted` or `rejected`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectEntryPage {
    pub items: Vec<DirectEntry>,
    pub next_cursor: Option<Uuid>,
}

fn find(conn: &mut PgConnection, id: Uuid) -> Result<DirectEntry, AppError> {
    direct_entries::table
        .find(id)
        .select(DirectEntry::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("direct entry"))
}

#[utoipa::path(
    tag = "direct entries",
    params(DirectQuery),
    responses(
        (status = 200, body = DirectEntryPage),
    )
)]
#[get("/api/v1/direct-entries")]
async fn list_direct(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<DirectQuery>,
) -> Result<web::Json<DirectEntryPage>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    if let Some(s) = &q.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", STATUSES.join(", ")),
        ));
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = direct_entries::table
            .select(DirectEntry::as_select())
            .order(direct_entries::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(direct_entries::status.eq(s));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(direct_entries::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(DirectEntryPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "direct entries",
    params(("id" = Uuid, Path, description = "direct entry id")),
    responses(
        (status = 200, body = DirectEntry),
    )
)]
#[get("/api/v1/direct-entries/{id}")]
async fn get_direct(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<DirectEntry>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| find(c, id)).await?))
}

/// A cashier (or finance manager) records income or an expense; it waits for review.
#[utoipa::path(
    tag = "direct entries",
    request_body = DirectEntryInput,
    responses(
        (status = 201, body = DirectEntry),
    )
)]
#[post("/api/v1/direct-entries")]
async fn create_direct(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<DirectEntryInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&FINANCE)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    v.check(
        input.kind == "income" || input.kind == "expense",
        "kind",
        "must be income or expense",
    );
    v.check(
        input.via == "cash" || input.via == "bank",
        "via",
        "must be cash or bank",
    );
    v.text("memo", &input.memo, 500);
    let currency = Currency::parse(&input.currency);
    match currency {
        Err(ref e) => {
            v.add("currency", e.to_string());
        }
        Ok(c) => {
            if input.amount <= Decimal::ZERO {
                v.add("amount", "must be greater than zero");
            } else if input.amount.normalize().scale() > c.scale() {
                v.add(
                    "amount",
                    format!("must have at most {} decimal places in {c}", c.scale()),
                );
            } else if input.amount >= crate::domain::entry::max_amount() {
                v.add("amount", "is too large");
            }
        }
    }
    let account = input.account.trim().to_owned();
    v.check(
        account != chart::CASH && account != chart::BANK,
        "account",
        "must be the income or expense account, not cash or bank",
    );
    v.finish()?;
    let currency = currency.map_err(AppError::internal)?;
    let actor = user.actor();
    let date = input.entry_date.unwrap_or_else(erp_calendar::today);
    let entry = erp_db::transaction(&ctx.pool, move |c| {
        match db::find_account(c, &account)? {
            None => return Err(AppError::validation("account", format!("no account {account}"))),
            Some(a) if !a.active => {
                return Err(AppError::validation(
                    "account",
                    format!("account {account} is inactive"),
                ));
            }
            Some(_) => {}
        }
        let id = Uuid::now_v7();
        let number = erp_db::next_number(c, "DE", date.year())?;
        diesel::insert_into(direct_entries::table)
            .values((
                direct_entries::id.eq(id),
                direct_entries::number.eq(&number),
                direct_entries::kind.eq(&input.kind),
                direct_entries::account_code.eq(&account),
                direct_entries::amount.eq(erp_money::round(input.amount, currency)),
                direct_entries::currency.eq(currency.code()),
                direct_entries::via.eq(&input.via),
                direct_entries::entry_date.eq(date),
                direct_entries::memo.eq(input.memo.trim()),
                direct_entries::status.eq("pending_review"),
                direct_entries::created_by.eq(&actor),
            ))
            .execute(c)?;
        find(c, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/direct-entries/{}", entry.id)))
        .json(entry))
}

async fn review(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    comment: Option<String>,
) -> Result<DirectEntry, AppError> {
    user.require_any(&MANAGERS)?;
    let comment = clean(comment.as_deref());
    let mut v = Validator::new();
    v.optional_text("comment", comment.as_deref(), 2000);
    v.check(
        approve || comment.is_some(),
        "comment",
        "is required to reject an entry",
    );
    v.finish()?;
    let actor = user.actor();
    erp_db::transaction(&ctx.pool, move |c| {
        let d: DirectEntry = direct_entries::table
            .find(id)
            .select(DirectEntry::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("direct entry"))?;
        if d.status != "pending_review" {
            return Err(wrong_state(format!("the entry is already {}", d.status)));
        }
        if d.created_by == actor {
            return Err(AppError::Forbidden(
                "nobody reviews an entry they recorded themselves".into(),
            ));
        }
        let mut journal_id = None;
        if approve {
            let currency = Currency::parse(&d.currency).map_err(AppError::internal)?;
            let money = if d.via == "cash" { chart::CASH } else { chart::BANK };
            let lines = if d.kind == "income" {
                vec![
                    NewLine::debit(money, d.amount, currency),
                    NewLine::credit(&d.account_code, d.amount, currency),
                ]
            } else {
                vec![
                    NewLine::debit(&d.account_code, d.amount, currency),
                    NewLine::credit(money, d.amount, currency),
                ]
            };
            let posted = ledger::post(
                c,
                NewEntry {
                    date: d.entry_date,
                    memo: d.memo.clone(),
                    source: Source {
                        kind: "finance.direct_entry".into(),
                        id: Some(d.id),
                        number: Some(d.number.clone()),
                    },
                    lines,
                },
                &PostMeta::by(d.created_by.clone()),
            )?;
            journal_id = Some(posted.id);
        }
        diesel::update(direct_entries::table.find(id))
            .set((
                direct_entries::status.eq(if approve { "posted" } else { "rejected" }),
                direct_entries::reviewed_by.eq(&actor),
                direct_entries::reviewed_at.eq(Utc::now()),
                direct_entries::review_comment.eq(&comment),
                direct_entries::journal_entry_id.eq(journal_id),
                direct_entries::version.eq(direct_entries::version + 1),
                direct_entries::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        find(c, id)
    })
    .await
}

/// A finance manager other than the author posts the entry.
#[utoipa::path(
    tag = "direct entries",
    params(("id" = Uuid, Path, description = "direct entry id")),
    request_body = ReviewInput,
    responses(
        (status = 200, body = DirectEntry),
        (status = 403, description = "not a finance manager, or the entry's author", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already reviewed, or the period is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/direct-entries/{id}/approve")]
async fn approve_direct(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReviewInput>,
) -> Result<web::Json<DirectEntry>, AppError> {
    Ok(web::Json(
        review(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

/// A finance manager other than the author rejects the entry, with a comment.
#[utoipa::path(
    tag = "direct entries",
    params(("id" = Uuid, Path, description = "direct entry id")),
    request_body = ReviewInput,
    responses(
        (status = 200, body = DirectEntry),
        (status = 403, description = "not a finance manager, or the entry's author", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already reviewed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/direct-entries/{id}/reject")]
async fn reject_direct(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReviewInput>,
) -> Result<web::Json<DirectEntry>, AppError> {
    Ok(web::Json(
        review(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}
