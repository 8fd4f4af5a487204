//! Suppliers: code (unique, case-insensitive), name, tax number, address, bank, contacts,
//! currency, payment terms and a 1–5 rating. Buyers write; every employee reads (requests,
//! arrivals and payments all name suppliers).

use crate::app::suppliers::{self as app, SupplierInput};
use crate::db::suppliers::SupplierRow;
use crate::domain::roles::BUYERS;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_suppliers)
        .service(get_supplier)
        .service(create_supplier)
        .service(update_supplier)
        .service(deactivate_supplier);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Supplier {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    /// People to talk to: name, title, phone, e-mail.
    #[schema(value_type = Vec<Object>)]
    pub contacts: serde_json::Value,
    pub currency: String,
    pub payment_terms: String,
    pub payment_days: i32,
    /// 1 (poor) to 5 (excellent).
    pub rating: Option<i32>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SupplierRow> for Supplier {
    fn from(r: SupplierRow) -> Self {
        Supplier {
            id: r.id,
            code: r.code,
            name: r.name,
            tax_number: r.tax_number,
            address: r.address,
            bank_name: r.bank_name,
            bank_account: r.bank_account,
            contacts: r.contacts,
            currency: r.currency,
            payment_terms: r.payment_terms,
            payment_days: r.payment_days,
            rating: r.rating,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierQuery {
    /// Text in code, name, tax number or contacts; Vietnamese matches with or without
    /// diacritics.
    pub q: Option<String>,
    pub active: Option<bool>,
    #[param(value_type = Option<erp_money::Currency>, inline)]
    pub currency: Option<String>,
    /// Suppliers rated at least this (1–5).
    #[param(minimum = 1, maximum = 5)]
    pub min_rating: Option<i32>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierPage {
    pub items: Vec<Supplier>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<SupplierRow>> for SupplierPage {
    fn from(p: Page<SupplierRow>) -> Self {
        let p = p.map(Supplier::from);
        SupplierPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[utoipa::path(
    tag = "suppliers",
    params(SupplierQuery),
    responses(
        (status = 200, body = SupplierPage),
    )
)]
#[get("/api/v1/suppliers")]
async fn list_suppliers(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<SupplierQuery>,
) -> Result<web::Json<SupplierPage>, AppError> {
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let filter = app::SupplierQuery {
        q: q.q,
        active: q.active,
        currency: q.currency,
        min_rating: q.min_rating,
    };
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "suppliers",
    params(("id" = Uuid, Path, description = "supplier id")),
    responses(
        (status = 200, body = Supplier),
    )
)]
#[get("/api/v1/suppliers/{id}")]
async fn get_supplier(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Supplier>, AppError> {
    let id = id.into_inner();
    let s = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(s.into()))
}

#[utoipa::path(
    tag = "suppliers",
    request_body = SupplierInput,
    responses(
        (status = 201, body = Supplier),
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/suppliers")]
async fn create_supplier(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<SupplierInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let input = body.into_inner();
    let s = erp_db::transaction(&ctx.pool, move |c| app::create(c, &input)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/suppliers/{}", s.id)))
        .json(Supplier::from(s)))
}

#[utoipa::path(
    tag = "suppliers",
    params(("id" = Uuid, Path, description = "supplier id")),
    request_body = SupplierInput,
    responses(
        (status = 200, body = Supplier),
        (status = 409, description = "stale version or code taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/suppliers/{id}")]
async fn update_supplier(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<SupplierInput>,
) -> Result<web::Json<Supplier>, AppError> {
    user.require_any(&BUYERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let s = erp_db::transaction(&ctx.pool, move |c| app::update(c, id, &input)).await?;
    Ok(web::Json(s.into()))
}

/// A deactivated supplier keeps its history but gets no new quotations or orders.
#[utoipa::path(
    tag = "suppliers",
    params(("id" = Uuid, Path, description = "supplier id")),
    responses(
        (status = 200, body = Supplier),
    )
)]
#[post("/api/v1/suppliers/{id}/deactivate")]
async fn deactivate_supplier(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Supplier>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let s = erp_db::transaction(&ctx.pool, move |c| app::deactivate(c, id)).await?;
    Ok(web::Json(s.into()))
}
