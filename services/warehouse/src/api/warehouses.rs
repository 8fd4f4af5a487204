//! Warehouses (stores, workshops' stores, showrooms).

use super::KEEPERS;
use crate::db::{Warehouse, schema::warehouses};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_warehouses)
        .service(get_warehouse)
        .service(create_warehouse)
        .service(update_warehouse);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WarehouseInput {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    /// Make this the default warehouse (the previous default stops being it).
    #[serde(default)]
    pub is_default: bool,
    #[serde(default = "yes")]
    pub active: bool,
    /// Required on update.
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

fn validate(w: &WarehouseInput) -> Result<(), AppError> {
    let mut v = Validator::new();
    crate::domain::item::check_code(&mut v, "code", w.code.trim());
    v.text("name", &w.name, 200)
        .optional_text("address", w.address.as_deref(), 500);
    v.check(
        w.active || !w.is_default,
        "is_default",
        "an inactive warehouse cannot be the default",
    );
    v.finish()
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
    let rows = erp_db::with_conn(&ctx.pool, |c| {
        Ok(warehouses::table
            .select(Warehouse::as_select())
            .order(warehouses::code)
            .load(c)?)
    })
    .await?;
    Ok(web::Json(rows))
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
    erp_db::with_conn(&ctx.pool, move |c| crate::db::find_warehouse(c, id))
        .await?
        .map(web::Json)
        .ok_or_else(|| AppError::not_found("warehouse"))
}

fn clear_default(c: &mut PgConnection, except: Uuid) -> Result<(), AppError> {
    diesel::update(
        warehouses::table
            .filter(warehouses::is_default.eq(true))
            .filter(warehouses::id.ne(except)),
    )
    .set(warehouses::is_default.eq(false))
    .execute(c)?;
    Ok(())
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
    validate(&w)?;
    let id = Uuid::now_v7();
    let row = erp_db::transaction(&ctx.pool, move |c| {
        if w.is_default {
            clear_default(c, id)?;
        }
        Ok(diesel::insert_into(warehouses::table)
            .values((
                warehouses::id.eq(id),
                warehouses::code.eq(w.code.trim()),
                warehouses::name.eq(w.name.trim()),
                warehouses::address.eq(&w.address),
                warehouses::is_default.eq(w.is_default),
                warehouses::active.eq(w.active),
            ))
            .returning(Warehouse::as_returning())
            .get_result(c)?)
    })
    .await?;
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
        (status = 409, body = Problem, content_type = "application/problem+json"),
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
    validate(&w)?;
    let Some(version) = w.version else {
        return Err(AppError::validation("version", "is required to change a warehouse"));
    };
    let row = erp_db::transaction(&ctx.pool, move |c| {
        let current: i64 = warehouses::table
            .find(id)
            .select(warehouses::version)
            .for_update()
            .first::<i64>(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("warehouse"))?;
        if current != version {
            return Err(AppError::stale_version("the warehouse"));
        }
        if w.is_default {
            clear_default(c, id)?;
        }
        Ok(diesel::update(warehouses::table.find(id))
            .set((
                warehouses::code.eq(w.code.trim()),
                warehouses::name.eq(w.name.trim()),
                warehouses::address.eq(&w.address),
                warehouses::is_default.eq(w.is_default),
                warehouses::active.eq(w.active),
                warehouses::version.eq(warehouses::version + 1),
                warehouses::updated_at.eq(Utc::now()),
            ))
            .returning(Warehouse::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(web::Json(row))
}
