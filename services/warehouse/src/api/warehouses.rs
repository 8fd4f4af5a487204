//! Warehouses (stores, workshops' stores, showrooms).

use super::KEEPERS;
use crate::app::warehouses::{self as app, WarehouseInput};
use crate::db::warehouses::Warehouse as WarehouseRow;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_warehouses)
        .service(get_warehouse)
        .service(create_warehouse)
        .service(update_warehouse);
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Warehouse {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    /// Notes from other services that name no warehouse go here.
    pub is_default: bool,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<WarehouseRow> for Warehouse {
    fn from(r: WarehouseRow) -> Self {
        Warehouse {
            id: r.id,
            code: r.code,
            name: r.name,
            address: r.address,
            is_default: r.is_default,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[utoipa::path(
    tag = "warehouses",
    responses((status = 200, body = Vec<Warehouse>))
)]
#[get("/api/v1/warehouses")]
async fn list_warehouses(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
) -> Result<web::Json<Vec<Warehouse>>, AppError> {
    let rows = erp_db::with_conn(&ctx.pool, app::list).await?;
    Ok(web::Json(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(
    tag = "warehouses",
    params(("id" = Uuid, Path, description = "warehouse id")),
    responses(
        (status = 200, body = Warehouse),
    )
)]
#[get("/api/v1/warehouses/{id}")]
async fn get_warehouse(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Warehouse>, AppError> {
    let id = id.into_inner();
    let row = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(row.into()))
}

#[utoipa::path(
    tag = "warehouses",
    request_body = WarehouseInput,
    responses(
        (status = 201, body = Warehouse),
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/warehouses")]
async fn create_warehouse(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<WarehouseInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&KEEPERS)?;
    let w = body.into_inner();
    app::validate(&w)?;
    let row = Warehouse::from(erp_db::transaction(&ctx.pool, move |c| app::create(c, &w)).await?);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/warehouses/{}", row.id)))
        .json(row))
}

#[utoipa::path(
    tag = "warehouses",
    params(("id" = Uuid, Path, description = "warehouse id")),
    request_body = WarehouseInput,
    responses(
        (status = 200, body = Warehouse),
        (status = 409, description = "stale version, or the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/warehouses/{id}")]
async fn update_warehouse(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<WarehouseInput>,
) -> Result<web::Json<Warehouse>, AppError> {
    user.require_any(&KEEPERS)?;
    let id = id.into_inner();
    let w = body.into_inner();
    app::validate(&w)?;
    let Some(version) = w.version else {
        return Err(AppError::validation("version", "is required to change a warehouse"));
    };
    let row = erp_db::transaction(&ctx.pool, move |c| app::update(c, id, version, &w)).await?;
    Ok(web::Json(row.into()))
}
