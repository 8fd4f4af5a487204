//! Test kit: start any service in-process on port 0 against the real PostgreSQL and RabbitMQ,
//! with its own fresh database and its own exchange and queue names (so tests run in parallel),
//! mint tokens for given roles, call it over HTTP. Everything is dropped when the test ends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed set-up should panic

mod answers;
pub mod fixtures;
mod proxy;

pub use answers::{Resp, assert_status, dec, id_of, test_user, uuid_of};
pub use proxy::TcpProxy;

use erp_auth::{CurrentUser, JwtKeys, Role};
use erp_bus::BusSettings;
use erp_config::Config;
use erp_server::{RunningService, ServiceDef, StartOptions};
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

pub fn amqp_url() -> String {
    std::env::var("AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// A group of services of one test, sharing an exchange and a signing secret.
pub struct TestEnv {
    pub id: String,
    pub exchange: String,
    pub secret: String,
    pub keys: JwtKeys,
    pub client: reqwest::Client,
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl TestEnv {
    pub fn new() -> Self {
        let id = Uuid::new_v4().simple().to_string()[..12].to_owned();
        let secret = format!("test-secret-{}", Uuid::new_v4());
        Self {
            exchange: format!("test.{id}.events"),
            keys: JwtKeys::new(&secret),
            secret,
            id,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("http client"),
        }
    }

    /// The configuration a service of this test gets: fresh database, unique queue, short
    /// retry delays, port 0.
    pub fn config(&self, service: &str) -> Config {
        let mut c = Config::from_env(service);
        c.host = "127.0.0.1".into();
        c.port = 0;
        c.database_url = erp_config::local_database_url(&format!("erp_test_{}_{}", service, self.id));
        c.db_pool_size = 8;
        c.amqp_url = amqp_url();
        c.exchange = self.exchange.clone();
        c.queue = format!("test.{}.{}", self.id, service);
        c.retry_delays = vec![Duration::from_millis(200), Duration::from_millis(400)];
        c.relay_poll = Duration::from_millis(50);
        c.jwt_secret = self.secret.clone();
        c.log_json = false;
        c
    }

    pub async fn start(&self, def: ServiceDef) -> TestService {
        self.start_with(def, |_| {}).await
    }

    pub async fn start_with(&self, def: ServiceDef, customize: impl FnOnce(&mut Config)) -> TestService {
        let mut config = self.config(def.name);
        customize(&mut config);
        self.start_config(def, config).await
    }

    /// Starts a service with exactly this configuration (e.g. again on the same database).
    pub async fn start_config(&self, def: ServiceDef, config: Config) -> TestService {
        let options = StartOptions {
            quorum_queues: false,
            workers: 1,
        };
        let running = match erp_server::start(def, config.clone(), options).await {
            Ok(r) => r,
            Err(e) => {
                // The database may exist already (start failed later, e.g. out of connections):
                // drop it, or every such failure leaves one behind.
                let url = config.database_url.clone();
                run_cleanup(async move {
                    let _ = tokio::task::spawn_blocking(move || erp_db::drop_database(&url)).await;
                });
                panic!("service starts: {e:?}");
            }
        };
        let service = TestService {
            base: running.base_url(),
            bus_settings: running.bus_settings.clone(),
            pool: running.pool.clone(),
            running: Some(running),
            config,
            client: self.client.clone(),
            keys: self.keys.clone(),
            keep_database: false,
        };
        service.wait_ready().await;
        service
    }

    /// A token for a made-up employee holding `roles`.
    pub fn token(&self, roles: &[Role]) -> String {
        self.token_for(&test_user(roles))
    }

    pub fn token_for(&self, user: &CurrentUser) -> String {
        self.keys.issue(user, Duration::from_secs(600)).expect("token").0
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let exchange = self.exchange.clone();
        run_cleanup(async move {
            if let Ok(conn) = lapin::Connection::connect(&amqp_url(), Default::default()).await
                && let Ok(ch) = conn.create_channel().await
            {
                let _ = ch.exchange_delete(exchange.as_str().into(), Default::default()).await;
                let _ = conn.close(200, "test done".into()).await;
            }
        });
    }
}

/// Clean-up runs on its own thread and runtime: Drop cannot await, and the test's runtime may
/// be a current-thread one that is busy dropping us.
fn run_cleanup<F: Future<Output = ()> + Send + 'static>(f: F) {
    let _ = std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
            rt.block_on(f);
        }
    })
    .join();
}

pub struct TestService {
    pub base: String,
    pub config: Config,
    pub bus_settings: BusSettings,
    pub pool: erp_db::Pool,
    pub client: reqwest::Client,
    pub keys: JwtKeys,
    running: Option<RunningService>,
    keep_database: bool,
}

impl TestService {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Resp {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request sent");
        read(res).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(reqwest::Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.call(reqwest::Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.call(reqwest::Method::PUT, path, token, Some(body)).await
    }

    /// Sends raw bytes as the body (malformed JSON tests).
    pub async fn post_raw(&self, path: &str, token: Option<&str>, content_type: &str, body: &str) -> Resp {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body.to_owned());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        read(req.send().await.expect("request sent")).await
    }

    /// Publishes an event to this service's exchange as another service would (envelope,
    /// persistent, confirmed); returns the envelope so a test can publish it again.
    pub async fn publish_event<E: erp_contracts::Event>(&self, source: &str, event: &E) -> erp_bus::Envelope {
        let envelope = erp_bus::Envelope {
            id: Uuid::now_v7(),
            event_type: E::TYPE.to_owned(),
            version: E::VERSION,
            source: source.to_owned(),
            occurred_at: chrono::Utc::now(),
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            actor: format!("service:{source}"),
            data: serde_json::to_value(event).expect("event serialises"),
            traceparent: None,
        };
        self.publish_envelope(&envelope).await;
        envelope
    }

    /// Publishes exactly this envelope (again, for duplicate-delivery tests).
    pub async fn publish_envelope(&self, envelope: &erp_bus::Envelope) {
        let body = serde_json::to_vec(envelope).expect("envelope serialises");
        let conn = lapin::Connection::connect(&self.bus_settings.amqp_url, Default::default())
            .await
            .expect("broker reachable");
        let ch = conn.create_channel().await.expect("channel");
        ch.confirm_select(Default::default()).await.expect("confirms");
        let props = lapin::BasicProperties::default()
            .with_message_id(envelope.id.to_string().into())
            .with_type(envelope.event_type.as_str().into())
            .with_content_type("application/json".into())
            .with_delivery_mode(2);
        let confirm = ch
            .basic_publish(
                self.bus_settings.exchange.as_str().into(),
                envelope.event_type.as_str().into(),
                Default::default(),
                &body,
                props,
            )
            .await
            .expect("published")
            .await
            .expect("confirmed");
        assert!(confirm.is_ack(), "the broker refused the event");
        let _ = conn.close(200, "published".into()).await;
    }

    /// The `data` of every event of `event_type` this service has put in its outbox, oldest
    /// first.
    pub async fn outbox(&self, event_type: &str) -> Vec<Value> {
        use diesel::prelude::*;
        use erp_bus::schema::bus_outbox;
        let t = event_type.to_owned();
        erp_db::with_conn(&self.pool, move |c| {
            Ok(bus_outbox::table
                .filter(bus_outbox::event_type.eq(t))
                .order(bus_outbox::seq)
                .select(bus_outbox::envelope)
                .load::<Value>(c)?)
        })
        .await
        .expect("outbox readable")
        .into_iter()
        .map(|e| e["data"].clone())
        .collect()
    }

    /// Waits until `/readyz` answers 200: the consumer has declared and bound its queue, so an
    /// event published from now on reaches it.
    pub async fn wait_ready(&self) {
        let ready = eventually(Duration::from_secs(30), &mut || async {
            let ok = self
                .client
                .get(self.url("/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            ok.then_some(())
        })
        .await;
        assert!(
            ready.is_some(),
            "{} did not become ready within 30 s",
            self.config.service
        );
    }

    /// Polls `check` until it returns Some or `timeout` passes.
    pub async fn eventually<T, F, Fut>(&self, timeout: Duration, mut check: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        eventually(timeout, &mut check).await
    }

    /// Stops the server and the bus; the database stays until drop (or use `restart`).
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// Stops and starts again on the same database and queue.
    pub async fn restart(&mut self, env: &TestEnv, def: ServiceDef) {
        self.stop().await;
        let config = self.config.clone();
        self.keep_database = true;
        let mut fresh = env.start_config(def, config).await;
        fresh.keep_database = true;
        std::mem::swap(self, &mut fresh);
        self.keep_database = false;
        drop(fresh);
    }
}

pub async fn eventually<T, F, Fut>(timeout: Duration, check: &mut F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn read(res: reqwest::Response) -> Resp {
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = res.bytes().await.unwrap_or_default();
    let body =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Resp {
        status,
        content_type,
        body,
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        // Stop first: a consumer still running would declare its queues again after we
        // delete them.
        if let Some(running) = self.running.take() {
            running.signal_stop();
        }
        if self.keep_database {
            return;
        }
        let url = self.config.database_url.clone();
        let settings = self.bus_settings.clone();
        run_cleanup(async move {
            // Time for a consumer caught mid-connect to see the stop signal.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            if let Ok(conn) = lapin::Connection::connect(&settings.amqp_url, Default::default()).await
                && let Ok(ch) = conn.create_channel().await
            {
                let _ = erp_bus::topology::delete_consumer_queues(&ch, &settings).await;
                let _ = conn.close(200, "test done".into()).await;
            }
            let _ = tokio::task::spawn_blocking(move || erp_db::drop_database(&url)).await;
        });
    }
}
