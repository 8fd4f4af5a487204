//! Direct entries (seed 001 §7): a cashier records money in (income) or out (expense) against
//! an account, by cash (111) or bank (112); it waits as `pending_review`, an approval request in
//! the reviewer's inbox, until a finance manager other than its author posts it or rejects it.

mod types;

use super::{FINANCE, READERS};
use crate::app::direct::{self as app, DirectEntryInput};
use crate::domain::states::DirectStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json};
use erp_server::AppContext;
use types::{DirectEntry, DirectEntryPage, DirectQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_direct)
        .service(get_direct)
        .service(create_direct)
        .service(approve_direct)
        .service(reject_direct);
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
    let status = q
        .status
        .as_deref()
        .map(|s| DirectStatus::parse_field("status", s))
        .transpose()?;
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, status, &paging)).await?;
    Ok(web::Json(page.into()))
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
    let entry = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(entry.into()))
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
    let meta = ctx.event_meta(&user);
    let entry = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input, &meta)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/direct-entries/{}", entry.id)))
        .json(DirectEntry::from(entry)))
}

erp_approval::decision_endpoints! {
    tag: "direct entries", id: "direct entry id", body: DirectEntry,
    decide: app::decide,
    approve: /// A reviewer other than the author posts the entry to the journal.
        approve_direct = "/api/v1/direct-entries/{id}/approve",
    reject: /// A reviewer other than the author rejects the entry, with a comment.
        reject_direct = "/api/v1/direct-entries/{id}/reject",
    forbidden: "not the approver of this step, or the entry's author",
    conflict: "already reviewed, or the period is closed",
}
