//! Supplier payments: purchasing's approved payment requests (`purchasing.payment.requested`)
//! wait here as `awaiting`; a finance manager pays one (Dr 331 with the supplier as party /
//! Cr 112) and `finance.payment.made` tells purchasing.

mod types;

use super::{MANAGERS, READERS};
use crate::app::payments::{self as app, PayInput};
use crate::db::payments::PaymentFilter;
use crate::domain::states::PaymentStatus;
use actix_web::{get, post, web};
use erp_auth::CurrentUser;
use erp_db::Paging;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use types::{Payment, PaymentPage, PaymentQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_payments).service(get_payment).service(pay);
}

#[utoipa::path(
    tag = "payments",
    params(PaymentQuery),
    responses(
        (status = 200, body = PaymentPage),
    )
)]
#[get("/api/v1/payments")]
async fn list_payments(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<PaymentQuery>,
) -> Result<web::Json<PaymentPage>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    let filter = PaymentFilter {
        status: q
            .status
            .as_deref()
            .map(|s| PaymentStatus::parse_field("status", s))
            .transpose()?,
        supplier_id: q.supplier_id,
    };
    let paging = Paging::new(q.limit, q.cursor);
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "payment id")),
    responses(
        (status = 200, body = Payment),
    )
)]
#[get("/api/v1/payments/{id}")]
async fn get_payment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Payment>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    let p = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(p.into()))
}

/// A finance manager pays the supplier: Dr 331 / Cr 112 on `paid_on`, and
/// `finance.payment.made` for purchasing. Paying twice is a 409.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "payment id")),
    request_body = PayInput,
    responses(
        (status = 200, body = Payment),
        (status = 409, description = "already paid, or the period is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/payments/{id}/pay")]
async fn pay(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PayInput>,
) -> Result<web::Json<Payment>, AppError> {
    user.require_any(&MANAGERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let meta = ctx.event_meta(&user);
    let p = erp_db::transaction(&ctx.pool, move |c| app::pay(c, &user, id, &input, &meta)).await?;
    Ok(web::Json(p.into()))
}
