//! The journal: entries are read by finance and the general manager, posted by a finance
//! manager (general journal entries) and never changed: a correction is a reversal, once.

use super::{MANAGERS, READERS, clean};
use crate::db::ledger::{self, NewEntry, NewLine, PartyKind, PostMeta, Source};
use crate::db::schema::{journal_entries, journal_lines};
use crate::db::{EntryRow, JournalEntry};
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::NaiveDate;
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
    cfg.service(list_entries)
        .service(get_entry)
        .service(post_entry)
        .service(reverse_entry);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LineInput {
    pub account: String,
    /// Zero or absent when the line is a credit.
    #[schema(value_type = Option<String>)]
    pub debit: Option<Decimal>,
    /// Zero or absent when the line is a debit.
    #[schema(value_type = Option<String>)]
    pub credit: Option<Decimal>,
    /// ISO 4217: `VND`, `CNY`, `USD` or `EUR`.
    pub currency: String,
    /// `customer`, `supplier` or `employee`, with `party_id`.
    pub party_kind: Option<String>,
    pub party_id: Option<Uuid>,
    pub memo: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EntryInput {
    pub entry_date: NaiveDate,
    pub memo: String,
    pub lines: Vec<LineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReverseInput {
    pub reason: String,
    /// The reversal's date; today when absent.
    pub entry_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JournalQuery {
    /// Entries with a line on this account.
    pub account: Option<String>,
    /// `crm.receipt`, `warehouse.outbound_note`, `warehouse.inbound_note`,
    /// `purchasing.supplier_invoice`, `finance.payment`, `finance.direct_entry`,
    /// `finance.reversal` or `manual`.
    pub source_kind: Option<String>,
    pub source_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JournalPage {
    pub items: Vec<JournalEntry>,
    pub next_cursor: Option<Uuid>,
}

/// Entries in posting order (keyset on the id).
#[utoipa::path(
    tag = "journal",
    params(JournalQuery),
    responses(
        (status = 200, body = JournalPage),
    )
)]
#[get("/api/v1/journal")]
async fn list_entries(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<JournalQuery>,
) -> Result<web::Json<JournalPage>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = journal_entries::table
            .select(EntryRow::as_select())
            .order(journal_entries::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(a) = q.account {
            sql = sql.filter(
                journal_entries::id.eq_any(
                    journal_lines::table
                        .filter(journal_lines::account_code.eq(a))
                        .select(journal_lines::entry_id),
                ),
            );
        }
        if let Some(k) = q.source_kind {
            sql = sql.filter(journal_entries::source_kind.eq(k));
        }
        if let Some(s) = q.source_id {
            sql = sql.filter(journal_entries::source_id.eq(s));
        }
        if let Some(f) = q.from {
            sql = sql.filter(journal_entries::entry_date.ge(f));
        }
        if let Some(t) = q.to {
            sql = sql.filter(journal_entries::entry_date.le(t));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(journal_entries::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(JournalPage {
            items: ledger::with_lines(c, rows)?,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "journal",
    params(("id" = Uuid, Path, description = "journal entry id")),
    responses(
        (status = 200, body = JournalEntry),
    )
)]
#[get("/api/v1/journal/{id}")]
async fn get_entry(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<JournalEntry>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let e = erp_db::with_conn(&ctx.pool, move |c| {
        ledger::find_entry(c, id)?.ok_or_else(|| AppError::not_found("journal entry"))
    })
    .await?;
    Ok(web::Json(e))
}

fn to_lines(input: &[LineInput]) -> Result<Vec<NewLine>, AppError> {
    let mut v = Validator::new();
    let mut lines = Vec::with_capacity(input.len());
    for (i, l) in input.iter().enumerate() {
        let currency = match Currency::parse(&l.currency) {
            Ok(c) => c,
            Err(e) => {
                v.add(format!("lines[{i}].currency"), e.to_string());
                continue;
            }
        };
        let party = match (l.party_kind.as_deref(), l.party_id) {
            (None, None) => None,
            (Some(k), Some(id)) => match PartyKind::parse(k) {
                Some(kind) => Some((kind, id)),
                None => {
                    v.add(
                        format!("lines[{i}].party_kind"),
                        "must be customer, supplier or employee",
                    );
                    None
                }
            },
            (Some(_), None) => {
                v.add(format!("lines[{i}].party_id"), "is required with party_kind");
                None
            }
            (None, Some(_)) => {
                v.add(format!("lines[{i}].party_kind"), "is required with party_id");
                None
            }
        };
        v.optional_text(&format!("lines[{i}].memo"), l.memo.as_deref(), 500);
        lines.push(NewLine {
            account: l.account.trim().to_owned(),
            debit: l.debit.unwrap_or(Decimal::ZERO),
            credit: l.credit.unwrap_or(Decimal::ZERO),
            currency,
            party,
            memo: clean(l.memo.as_deref()),
        });
    }
    v.finish()?;
    Ok(lines)
}

/// A finance manager posts a general journal entry. It must balance in every currency at the
/// currency's scale (422 naming the entry), and its month must be open (409 `period-closed`).
#[utoipa::path(
    tag = "journal",
    request_body = EntryInput,
    responses(
        (status = 201, body = JournalEntry),
        (status = 409, description = "the period is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unbalanced or invalid lines", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/journal")]
async fn post_entry(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<EntryInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&MANAGERS)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("memo", &input.memo, 500);
    v.finish()?;
    let lines = to_lines(&input.lines)?;
    let actor = user.actor();
    let entry = erp_db::transaction(&ctx.pool, move |c| {
        ledger::post(
            c,
            NewEntry {
                date: input.entry_date,
                memo: input.memo.trim().to_owned(),
                source: Source {
                    kind: "manual".into(),
                    id: None,
                    number: None,
                },
                lines: lines.clone(),
            },
            &PostMeta::by(actor.clone()),
        )
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/journal/{}", entry.id)))
        .json(entry))
}

/// Posts the mirror of an entry (debits and credits swapped), once; a second reversal, or
/// reversing a reversal, is a 409.
#[utoipa::path(
    tag = "journal",
    params(("id" = Uuid, Path, description = "journal entry id")),
    request_body = ReverseInput,
    responses(
        (status = 201, body = JournalEntry),
        (status = 409, description = "already reversed, or the period is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/journal/{id}/reverse")]
async fn reverse_entry(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ReverseInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&MANAGERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("reason", &input.reason, 500);
    v.finish()?;
    let date = input.entry_date.unwrap_or_else(erp_calendar::today);
    let actor = user.actor();
    let entry = erp_db::transaction(&ctx.pool, move |c| ledger::reverse(c, id, date, &input.reason, &actor)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/journal/{}", entry.id)))
        .json(entry))
}
