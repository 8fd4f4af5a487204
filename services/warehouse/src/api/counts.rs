//! Stock counts (seed 003: quarterly): a count sheet snapshots the system quantities, the
//! keeper records what is on the shelves, submits, and a manager who did not count approves;
//! approval turns each variance into a `count` ledger row.

use super::{COUNT_APPROVERS, KEEPERS};
use crate::app::counts::{self as app, CountDetail, NewCount, RecordCount};
use crate::db::counts::{CountLine as LineRow, StockCount as CountRow};
use crate::domain::status::CountStatus;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use erp_approval::Comment;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_counts)
        .service(get_count)
        .service(create_count)
        .service(record_count)
        .service(submit_count)
        .service(approve_count)
        .service(reject_count)
        .service(cancel_count);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockCount {
    pub id: Uuid,
    pub number: String,
    pub warehouse_id: Uuid,
    /// `draft`, `submitted`, `approved`, `rejected` or `cancelled`.
    #[schema(value_type = String)]
    pub status: CountStatus,
    pub note: Option<String>,
    pub created_by: String,
    pub submitted_by: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CountRow> for StockCount {
    fn from(r: CountRow) -> Self {
        StockCount {
            id: r.id,
            number: r.number,
            warehouse_id: r.warehouse_id,
            status: r.status,
            note: r.note,
            created_by: r.created_by,
            submitted_by: r.submitted_by,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            decision_comment: r.decision_comment,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountLine {
    pub id: Uuid,
    pub item_id: Uuid,
    /// On hand when the count sheet was made.
    #[schema(value_type = String)]
    pub system_qty: Decimal,
    #[schema(value_type = Option<String>)]
    pub counted: Option<Decimal>,
    #[schema(value_type = String)]
    pub unit_cost: Decimal,
    pub counted_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountLineView {
    #[serde(flatten)]
    pub line: CountLine,
    /// Counted minus system quantity, once counted.
    #[schema(value_type = Option<String>)]
    pub variance: Option<Decimal>,
}

impl From<LineRow> for CountLineView {
    fn from(r: LineRow) -> Self {
        CountLineView {
            variance: r.counted.map(|n| n - r.system_qty),
            line: CountLine {
                id: r.id,
                item_id: r.item_id,
                system_qty: r.system_qty,
                counted: r.counted,
                unit_cost: r.unit_cost,
                counted_by: r.counted_by,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StockCountDetail {
    #[serde(flatten)]
    pub count: StockCount,
    pub lines: Vec<CountLineView>,
}

impl From<CountDetail> for StockCountDetail {
    fn from(d: CountDetail) -> Self {
        StockCountDetail {
            count: d.count.into(),
            lines: d.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[utoipa::path(
    tag = "stock-counts",
    responses((status = 200, body = Vec<StockCount>))
)]
#[get("/api/v1/stock-counts")]
async fn list_counts(ctx: web::Data<AppContext>, _user: CurrentUser) -> Result<web::Json<Vec<StockCount>>, AppError> {
    let rows = erp_db::with_conn(&ctx.pool, app::list).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    responses(
        (status = 200, body = StockCountDetail),
    )
)]
#[get("/api/v1/stock-counts/{id}")]
async fn get_count(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| app::detail(c, id)).await?;
    Ok(web::Json(d.into()))
}

/// Makes a count sheet: the items with the quantities the system has now.
#[utoipa::path(
    tag = "stock-counts",
    request_body = NewCount,
    responses(
        (status = 201, body = StockCountDetail),
    )
)]
#[post("/api/v1/stock-counts")]
async fn create_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewCount>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let input = body.into_inner();
    let d = StockCountDetail::from(erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &input)).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/stock-counts/{}", d.count.id)))
        .json(d))
}

/// Records counted quantities on a draft (any subset of its lines, as often as needed).
#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    request_body = RecordCount,
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, description = "not a draft any more, or a stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/stock-counts/{id}/lines")]
async fn record_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RecordCount>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let d = erp_db::transaction(&ctx.pool, move |c| app::record(c, &user, id, &input)).await?;
    Ok(web::Json(d.into()))
}

/// Hands the count to a manager; every line must be counted.
#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, description = "not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "lines not counted yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/submit")]
async fn submit_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| app::submit(c, &user, id, &meta)).await?;
    Ok(web::Json(d.into()))
}

/// A count approver's decision, recorded by the approval engine; the count moves when the
/// request is decided.
async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    approve: bool,
    body: Comment,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&COUNT_APPROVERS)?;
    let meta = ctx.event_meta(&user);
    let comment = body.comment;
    let d = erp_db::transaction(&ctx.pool, move |c| {
        app::decide(c, id, &user, approve, comment.as_deref(), &meta)
    })
    .await?;
    Ok(web::Json(d.into()))
}

/// Approves the count: each variance becomes a `count` movement. The approver must hold a
/// manager role and must not be who made or submitted the count.
#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    request_body = Comment,
    responses(
        (status = 200, body = StockCountDetail),
        (status = 403, description = "not a manager, or approving one's own count", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already decided, or stock moved below the counted variance", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/approve")]
async fn approve_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    decide(&ctx, user, id.into_inner(), true, body.into_inner()).await
}

#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    request_body = Comment,
    responses(
        (status = 200, body = StockCountDetail),
        (status = 403, description = "not a manager, or rejecting one's own count", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not waiting for approval, or already decided", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/reject")]
async fn reject_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<Comment>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    decide(&ctx, user, id.into_inner(), false, body.into_inner()).await
}

#[utoipa::path(
    tag = "stock-counts",
    params(("id" = Uuid, Path, description = "stock count id")),
    responses(
        (status = 200, body = StockCountDetail),
        (status = 409, description = "already decided or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/stock-counts/{id}/cancel")]
async fn cancel_count(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<StockCountDetail>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let d = erp_db::transaction(&ctx.pool, move |c| app::cancel(c, &user, id, &meta)).await?;
    Ok(web::Json(d.into()))
}
