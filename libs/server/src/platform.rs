//! Endpoints every service has.

use crate::AppContext;
use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use erp_auth::{CurrentUser, Role};
use erp_bus::dead_letters::{self, DeadLetter};
use erp_contracts::CatalogEntry;
use erp_problem::{AppError, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who may list and replay dead letters: the people who run the system in a small company.
pub const OPERATOR_ROLES: [Role; 2] = [Role::GeneralManager, Role::HrAdmin];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(healthz)
        .service(readyz)
        .service(metrics)
        .service(event_catalog)
        .service(event_asyncapi)
        .service(list_dead_letters)
        .service(replay_dead_letter);
}

pub async fn not_found() -> HttpResponse {
    Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", "no such resource").response()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    pub database: &'static str,
    pub broker: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "platform", security(()), responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The database and the message broker are reachable.
#[utoipa::path(
    tag = "platform",
    security(()),
    responses(
        (status = 200, body = Readiness),
        (status = 503, description = "a dependency is down", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(ctx: web::Data<AppContext>) -> Result<web::Json<Readiness>, AppError> {
    let db = erp_db::ping(&ctx.pool).await.is_ok();
    let broker = ctx.bus_health.broker_reachable();
    if db && broker {
        return Ok(web::Json(Readiness {
            status: "ready",
            database: "up",
            broker: "up",
        }));
    }
    let mut down = Vec::new();
    if !db {
        down.push("database");
    }
    if !broker {
        down.push("message broker");
    }
    Err(AppError::Unavailable(format!("not reachable: {}", down.join(", "))))
}

/// Prometheus text: request counts and latencies, events published/consumed/failed, outbox backlog.
#[utoipa::path(tag = "platform", security(()), responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
async fn metrics(ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(ctx.metrics.render().await)
}

/// Every event type the system publishes, with its producer and consumers.
#[utoipa::path(tag = "platform", security(()), responses((status = 200, body = Vec<CatalogEntry>)))]
#[get("/api/v1/events/catalog")]
async fn event_catalog() -> web::Json<Vec<CatalogEntry>> {
    web::Json(erp_contracts::catalog())
}

/// The event catalog as an AsyncAPI 3 document: a channel per event type with the envelope and
/// the payload's JSON Schema (generated from the contract types by `scripts/openapi`).
#[utoipa::path(
    tag = "platform",
    security(()),
    responses((status = 200, content_type = "application/json", body = Object))
)]
#[get("/api/v1/events/asyncapi.json")]
async fn event_asyncapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("../../../asyncapi/events.json"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadLetterQuery {
    /// Hide messages already replayed (default true).
    pub pending: Option<bool>,
    /// At most this many (1–200, default 50).
    pub limit: Option<i64>,
}

/// Messages this service's handlers failed on every attempt.
#[utoipa::path(
    tag = "platform",
    params(DeadLetterQuery),
    responses(
        (status = 200, body = Vec<DeadLetter>),
    )
)]
#[get("/api/v1/dead-letters")]
async fn list_dead_letters(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<DeadLetterQuery>,
) -> Result<web::Json<Vec<DeadLetter>>, AppError> {
    user.require_any(&OPERATOR_ROLES)?;
    let pending = query.pending.unwrap_or(true);
    let limit = erp_db::page_limit(query.limit);
    let rows = erp_db::with_conn(&ctx.pool, move |c| dead_letters::list(c, pending, limit)).await?;
    Ok(web::Json(rows))
}

/// Sends a dead letter back to the service's queue (after the cause was fixed). An event
/// already applied is not applied again.
#[utoipa::path(
    tag = "platform",
    params(("id" = Uuid, Path, description = "dead letter id")),
    responses(
        (status = 200, body = DeadLetter),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/dead-letters/{id}/replay")]
async fn replay_dead_letter(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<DeadLetter>, AppError> {
    user.require_any(&OPERATOR_ROLES)?;
    let letter = dead_letters::replay(&ctx.bus, &ctx.pool, id.into_inner()).await?;
    Ok(web::Json(letter))
}
