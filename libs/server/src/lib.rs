//! What every service's process has in common: start-up (database, migrations, bus), the
//! actix app with its middleware and problem+json extractor errors, the platform endpoints
//! (`/healthz`, `/readyz`, `/metrics`, OpenAPI and docs, dead letters), and shutdown.

mod doors;
mod headers;
mod metrics;
mod platform;
mod responses;

/// Every service (and every test process that starts one) allocates with mimalloc: it gives
/// freed pages back to the system, where glibc's malloc kept bursts of large blocks (password
/// hashes, big documents) resident for good (docs/security.md, logins).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use metrics::Metrics;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpServer, ResponseError, web};
use diesel::PgConnection;
use diesel_migrations::EmbeddedMigrations;
use erp_auth::JwtKeys;
use erp_bus::{Bus, BusHealth, BusSettings, Subscriptions};
use erp_config::Config;
use erp_problem::AppError;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder, SecurityRequirement};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// Runs once at start-up inside a transaction, after migrations (seed data, the first admin).
pub type InitFn = fn(&mut PgConnection, &Config) -> Result<(), AppError>;

/// Work a service does on its own every so often (reminders, sweeps), each run in a
/// transaction; every instance runs it, so a job must be safe to run concurrently (claim rows,
/// mark them done).
#[derive(Clone, Copy)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
    pub run: fn(&mut PgConnection, &erp_bus::EventMeta) -> Result<usize, AppError>,
}

/// What makes one service different from another.
#[derive(Clone)]
pub struct ServiceDef {
    pub name: &'static str,
    pub description: &'static str,
    /// The service's own migrations; the bus tables are added by the platform.
    pub migrations: fn() -> Vec<EmbeddedMigrations>,
    pub routes: fn(&mut ServiceConfig),
    /// Who may call each of the service's operations (the platform's are added): enforced
    /// before any handler and written into the OpenAPI document.
    pub doors: fn() -> Vec<erp_auth::Door>,
    pub subscriptions: fn() -> Subscriptions,
    pub init: Option<InitFn>,
    pub jobs: &'static [Job],
}

/// Shared state of every handler.
pub struct AppContext {
    pub config: Config,
    pub pool: erp_db::Pool,
    pub bus: BusSettings,
    pub bus_health: Arc<BusHealth>,
    pub metrics: Metrics,
    pub keys: JwtKeys,
}

impl AppContext {
    /// Event metadata for a change made by `user` in this request.
    pub fn event_meta(&self, user: &erp_auth::CurrentUser) -> erp_bus::EventMeta {
        erp_bus::EventMeta::new(&self.config.service, user.actor())
    }
}

pub fn bus_settings(config: &Config, quorum: bool) -> BusSettings {
    BusSettings {
        service: config.service.clone(),
        amqp_url: config.amqp_url.clone(),
        exchange: config.exchange.clone(),
        queue: config.queue.clone(),
        prefetch: config.prefetch,
        retry_delays: config.retry_delays.clone(),
        relay_poll: config.relay_poll,
        quorum,
        database_url: Some(config.database_url.clone()),
    }
}

/// The service's OpenAPI document, as served and as committed under openapi/.
pub fn openapi(def: &ServiceDef) -> OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(base_document(def))
        .configure(platform::routes)
        .configure(def.routes)
        .split_for_parts();
    let mut api = responses::describe(api);
    doors::document(&mut api, &all_doors(def));
    api
}

/// The service's doors and the platform's.
fn all_doors(def: &ServiceDef) -> doors::Doors {
    let mut all = doors::PLATFORM.to_vec();
    all.extend((def.doors)());
    doors::Doors::new(&all)
}

fn base_document(def: &ServiceDef) -> OpenApi {
    let mut api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(format!("ERP {} service", def.name))
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(def.description))
                .build(),
        )
        .build();
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "Access token from hr: POST /api/v1/auth/login or /api/v1/auth/token",
                ))
                .build(),
        ),
    );
    api.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    api
}

/// Options the test kit changes; production uses the defaults.
#[derive(Debug, Clone)]
pub struct StartOptions {
    pub quorum_queues: bool,
    pub workers: usize,
}

impl Default for StartOptions {
    fn default() -> Self {
        let workers = std::env::var("HTTP_WORKERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
        Self {
            quorum_queues: true,
            workers,
        }
    }
}

/// A started service.
pub struct RunningService {
    pub addr: SocketAddr,
    pub pool: erp_db::Pool,
    pub config: Config,
    pub bus_settings: BusSettings,
    server: actix_web::dev::ServerHandle,
    server_task: tokio::task::JoinHandle<std::io::Result<()>>,
    bus: Bus,
}

impl RunningService {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks the server and the bus to stop, without waiting.
    pub fn signal_stop(&self) {
        self.bus.signal_stop();
        // The command is sent at once; the returned future only waits for completion.
        drop(self.server.stop(false));
    }

    pub async fn stop(self) {
        self.server.stop(true).await;
        let _ = self.server_task.await;
        self.bus.stop().await;
    }

    /// Runs until the server stops (Ctrl-C or SIGTERM), then stops the bus.
    pub async fn wait(self) -> std::io::Result<()> {
        let result = self.server_task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.bus.stop().await;
        result
    }
}

/// Creates the database if needed and runs migrations and the init hook, waiting for PostgreSQL
/// while it is not up yet (a service may start before its database).
async fn prepare_database(def: &ServiceDef, config: &Config) -> Result<(), AppError> {
    let mut attempt = 0u32;
    loop {
        let url = config.database_url.clone();
        let mut sets = vec![erp_db::MIGRATIONS, erp_bus::MIGRATIONS];
        sets.extend((def.migrations)());
        let init = def.init;
        let cfg = config.clone();
        let result = tokio::task::spawn_blocking(move || {
            use diesel::Connection;
            erp_db::ensure_database(&url)?;
            let mut conn = PgConnection::establish(&url)
                .map_err(|e| AppError::Unavailable(format!("cannot connect to the database: {e}")))?;
            erp_db::run_migrations(&mut conn, sets)?;
            if let Some(init) = init {
                erp_db::transaction_sync(&mut conn, |c| init(c, &cfg))?;
            }
            Ok::<_, AppError>(())
        })
        .await
        .map_err(AppError::internal)?;
        match result {
            Ok(()) => return Ok(()),
            Err(e @ (AppError::Unavailable(_) | AppError::Pool(_))) if attempt < 60 => {
                attempt += 1;
                tracing::warn!(error = %e, attempt, "database not ready; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

pub async fn start(def: ServiceDef, config: Config, options: StartOptions) -> std::io::Result<RunningService> {
    erp_telemetry::init(config.log_json);
    if config.uses_dev_secret() {
        tracing::warn!("JWT_SECRET is not set: using the development secret; set it in production");
    }
    // A wrong offset would date every document wrongly: refuse to start instead.
    let offset = erp_calendar::init_from_env().map_err(std::io::Error::other)?;
    tracing::info!(%offset, "documents are dated in the company's time zone");
    prepare_database(&def, &config).await.map_err(std::io::Error::other)?;
    let pool = erp_db::pool(&config.database_url, config.db_pool_size);
    let metrics = Metrics::new(&config.service, pool.clone()).map_err(std::io::Error::other)?;
    let bus_settings = bus_settings(&config, options.quorum_queues);
    let bus = Bus::start(
        bus_settings.clone(),
        pool.clone(),
        (def.subscriptions)(),
        metrics.bus.clone(),
    );
    for job in def.jobs {
        spawn_job(*job, pool.clone(), config.service.clone());
    }
    let ctx = web::Data::new(AppContext {
        config: config.clone(),
        pool: pool.clone(),
        bus: bus_settings.clone(),
        bus_health: bus.health.clone(),
        metrics: metrics.clone(),
        keys: JwtKeys::new(&config.jwt_secret),
    });
    let keys = web::Data::new(JwtKeys::new(&config.jwt_secret));
    let doors = web::Data::new(all_doors(&def));
    let api = openapi(&def);
    let routes = def.routes;
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(platform::routes)
            .configure(routes)
            .split_for_parts();
        app.app_data(ctx.clone())
            .app_data(keys.clone())
            .app_data(doors.clone())
            .app_data(web::JsonConfig::default().error_handler(erp_problem::json_error_handler))
            .app_data(web::PathConfig::default().error_handler(erp_problem::path_error_handler))
            .app_data(web::QueryConfig::default().error_handler(erp_problem::query_error_handler))
            .app_data(web::PayloadConfig::new(1 << 20))
            .service(SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, api.clone()))
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to(platform::not_found))
            .wrap(from_fn(check_uri))
            .wrap(from_fn(doors::guard))
            .wrap(from_fn(headers::security_headers))
            .wrap(from_fn(metrics::track))
            .wrap(from_fn(erp_telemetry::request_tracing))
    })
    .workers(options.workers.max(1))
    .shutdown_timeout(10)
    .bind((config.host.as_str(), config.port))?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::other("server bound no address"))?;
    let server = server.run();
    let handle = server.handle();
    let server_task = tokio::spawn(server);
    tracing::info!(service = %config.service, %addr, "listening");
    Ok(RunningService {
        addr,
        pool,
        config,
        bus_settings,
        server: handle,
        server_task,
        bus,
    })
}

/// A URI that spells U+0000 is answered 400 before any handler (PostgreSQL text cannot hold it),
/// and a list's `limit` outside 1–200 a 422 naming it (the documents say so; see
/// `responses::bound_limits`).
async fn check_uri(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let checked =
        erp_problem::reject_nul_in_uri(req.path(), req.query_string()).and_then(|()| check_limit(req.query_string()));
    if let Err(e) = checked {
        let res = e.error_response();
        return Ok(req.into_response(res).map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

/// Every list takes `limit` from 1 to 200 (absent: 50); a number outside is refused, not clamped
/// (what is not a number at all is the handler's 400 for a malformed parameter).
fn check_limit(query: &str) -> Result<(), AppError> {
    if !query.contains("limit") {
        return Ok(());
    }
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|e| AppError::BadRequest(format!("query string: {e}")))?;
    for (name, value) in pairs.iter().filter(|(name, _)| name == "limit") {
        let Ok(n) = value.trim().parse::<i64>() else { continue };
        if !(1..=erp_db::MAX_PAGE).contains(&n) {
            return Err(AppError::validation(
                name.as_str(),
                format!("must be a whole number from 1 to {}", erp_db::MAX_PAGE),
            ));
        }
    }
    Ok(())
}

/// Runs `job` every `job.every` until the runtime stops; failures are logged and retried at the
/// next tick.
fn spawn_job(job: Job, pool: erp_db::Pool, service: String) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(job.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            let meta = erp_bus::EventMeta::new(&service, format!("service:{service}"));
            match erp_db::transaction(&pool, move |c| (job.run)(c, &meta)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(job = job.name, done = n, "job ran"),
                Err(e) => tracing::warn!(job = job.name, error = %e, "job failed; next tick retries"),
            }
        }
    });
}

/// `main` of every service binary; `--openapi` prints the document and exits.
pub async fn run_main(def: ServiceDef) -> std::io::Result<()> {
    if std::env::args().any(|a| a == "--openapi") {
        let json = openapi(&def).to_pretty_json().map_err(std::io::Error::other)?;
        println!("{json}");
        return Ok(());
    }
    let config = Config::from_env(def.name);
    let running = start(def, config, StartOptions::default()).await?;
    running.wait().await
}
