//! The journal: entries are read by finance and the general manager, posted by a finance
//! manager (general journal entries) and never changed: a correction is a reversal, once.

mod types;

use super::{MANAGERS, READERS};
use crate::app::journal::{self as app, EntryInput, ReverseInput};
use crate::db::ledger::EntryFilter;
use actix_web::{HttpResponse, get, http::header, post, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{JournalEntry, JournalPage, JournalQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_entries)
        .service(get_entry)
        .service(post_entry)
        .service(reverse_entry);
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
    let filter = EntryFilter {
        account: q.account,
        source_kind: q.source_kind,
        source_id: q.source_id,
        from: q.from,
        to: q.to,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
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
    let e = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(e.into()))
}

fn created(e: JournalEntry) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/journal/{}", e.id)))
        .json(e)
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
    let entry = erp_db::transaction(&ctx.pool, move |c| app::post(c, &user, &input)).await?;
    Ok(created(entry.into()))
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
    let (id, input) = (id.into_inner(), body.into_inner());
    let entry = erp_db::transaction(&ctx.pool, move |c| app::reverse(c, &user, id, &input)).await?;
    Ok(created(entry.into()))
}
