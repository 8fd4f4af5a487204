//! Supplier quotations for an approved purchase request (one per supplier), their comparison
//! line by line, and the supplier chosen: at least three quotations from different suppliers,
//! or the reason why not, reviewed by project control through the authority matrix (seed 000
//! §5.3).

mod types;

use crate::app::quotations::{self as app, QuotationInput, SelectionInput};
use crate::domain::roles::BUYERS;
use actix_web::{HttpResponse, get, http::header, post, web};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{Comparison, QuotationDetail, QuotationList, SelectionDetail};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_supplier_quotations)
        .service(compare_supplier_quotations)
        .service(create_supplier_quotation)
        .service(get_supplier_selection)
        .service(create_supplier_selection)
        .service(approve_supplier_selection)
        .service(reject_supplier_selection);
}

/// Records one supplier's quotation for an approved request; every line must be a line of the
/// request, totals follow the money rules.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = QuotationInput,
    responses(
        (status = 201, body = QuotationDetail),
        (status = 409, description = "the supplier already quoted, the request is not approved, or a supplier is chosen already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid values; a line not of the request; unknown or inactive supplier", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/quotations")]
async fn create_supplier_quotation(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<QuotationInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let v = erp_db::transaction(&ctx.pool, move |c| app::record(c, &user, id, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-requests/{id}/quotations")))
        .json(QuotationDetail::from(v)))
}

#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = QuotationList),
    )
)]
#[get("/api/v1/purchase-requests/{id}/quotations")]
async fn list_supplier_quotations(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuotationList>, AppError> {
    let id = id.into_inner();
    let views = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &user, id)).await?;
    Ok(web::Json(QuotationList {
        items: views.into_iter().map(Into::into).collect(),
    }))
}

/// The quotations side by side: per request line each supplier's unit price, line net, lead
/// time and terms with the cheapest marked; per supplier the totals.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = Comparison),
    )
)]
#[get("/api/v1/purchase-requests/{id}/quotations/comparison")]
async fn compare_supplier_quotations(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Comparison>, AppError> {
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::compare(c, &user, id)).await?;
    Ok(web::Json(v.into()))
}

/// The supplier chosen for the request, the reason when fewer than three quoted, and project
/// control's review.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    responses(
        (status = 200, body = SelectionDetail),
        (status = 404, description = "unknown request, or no supplier chosen yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/purchase-requests/{id}/selection")]
async fn get_supplier_selection(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<SelectionDetail>, AppError> {
    let id = id.into_inner();
    let v = erp_db::with_conn(&ctx.pool, move |c| app::get_selection(c, &user, id)).await?;
    Ok(web::Json(v.into()))
}

/// Chooses a supplier's quotation and passes the comparison to project control. Fewer than three
/// quotations from different suppliers need `fewer_quotes_reason`. After a rejection a new
/// choice may be made.
#[utoipa::path(
    tag = "supplier quotations",
    params(("id" = Uuid, Path, description = "purchase request id")),
    request_body = SelectionInput,
    responses(
        (status = 201, body = SelectionDetail),
        (status = 409, description = "the request is not approved, or a selection waits for review or is approved", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "fewer than three quotations and no reason; not a quotation of the request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-requests/{id}/selection")]
async fn create_supplier_selection(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<SelectionInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let v = erp_db::transaction(&ctx.pool, move |c| app::choose(c, &user, id, &input, &meta)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/purchase-requests/{id}/selection")))
        .json(SelectionDetail::from(v)))
}

erp_approval::decision_endpoints! {
    tag: "supplier quotations", id: "purchase request id", body: SelectionDetail,
    decide: app::decide,
    approve: approve_supplier_selection = "/api/v1/purchase-requests/{id}/selection/approve",
    reject: reject_supplier_selection = "/api/v1/purchase-requests/{id}/selection/reject",
    forbidden: "not project control, or one's own selection",
    conflict: "not waiting for review",
}
