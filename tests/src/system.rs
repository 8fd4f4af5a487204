//! The whole system as real processes: the six service binaries from the workspace's target
//! directory, started against the real PostgreSQL and RabbitMQ with this run's own databases
//! (`erp_test_<svc>_<id>`), exchange (`test.<id>.events`), queues (`test.<id>.<svc>`), free
//! ports and signing secret, and driven only over HTTP. Dropping the [`System`] stops the
//! processes (SIGTERM, then SIGKILL) before it deletes their queues, exchange and databases.
//! Each process's output goes to `target/<profile>/scenario-logs/<id>/<svc>.log`; the paths
//! (and the last lines) are printed when a test fails, and the logs are removed when it passes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: a failed set-up should panic

use crate::SERVICES;
use crate::process::*;
pub use crate::process::{ADMIN_CODE, Service, amqp_url, binaries, profile_dir, tail};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The six services of one test, as processes.
pub struct System {
    pub id: String,
    pub exchange: String,
    pub secret: String,
    pub admin_password: String,
    pub client: reqwest::Client,
    pub log_dir: PathBuf,
    bin_dir: PathBuf,
    services: Vec<Service>,
    /// Second instances, once [`System::start_second_instances`] ran.
    seconds: Vec<Service>,
}

impl System {
    /// Starts all six services and waits until each is ready; hr last, so every other
    /// service's queue exists before hr publishes its first admin.
    pub async fn start() -> Self {
        Self::start_with(|_, _| {}).await
    }

    /// [`System::start`], with a last word on each service's environment (e.g. a proxy in
    /// front of a server).
    pub async fn start_with(customize: impl Fn(&str, &mut Vec<(String, String)>)) -> Self {
        let bin_dir = tokio::task::spawn_blocking(binaries).await.expect("binaries");
        let id = Uuid::new_v4().simple().to_string()[..12].to_owned();
        let log_dir = bin_dir.join("scenario-logs").join(&id);
        std::fs::create_dir_all(&log_dir).expect("log dir");
        let exchange = format!("test.{id}.events");
        let secret = format!("test-secret-{}", Uuid::new_v4());
        let admin_password = format!("admin-{}", &Uuid::new_v4().simple().to_string()[..10]);
        // No idle keep-alive connections: a service stopping gracefully waits for open
        // connections to close (up to its 10 s shutdown timeout).
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(0)
            .build()
            .expect("http client");
        let services = SERVICES
            .iter()
            .map(|&name| {
                let port = free_port();
                let p = name.to_ascii_uppercase();
                let database_url = erp_config::local_database_url(&format!("erp_test_{name}_{id}"));
                let queue = format!("test.{id}.{name}");
                let mut env: Vec<(String, String)> = vec![
                    (format!("{p}_HOST"), "127.0.0.1".into()),
                    (format!("{p}_PORT"), port.to_string()),
                    (format!("{p}_DATABASE_URL"), database_url.clone()),
                    (format!("{p}_DB_POOL_SIZE"), "4".into()),
                    (format!("{p}_AMQP_URL"), amqp_url()),
                    (format!("{p}_EVENTS_EXCHANGE"), exchange.clone()),
                    (format!("{p}_QUEUE"), queue.clone()),
                    (format!("{p}_JWT_SECRET"), secret.clone()),
                    (format!("{p}_RETRY_DELAYS_MS"), RETRY_DELAYS_MS.into()),
                    (format!("{p}_OUTBOX_POLL_MS"), "50".into()),
                    (format!("{p}_LOG_FORMAT"), "pretty".into()),
                    ("HTTP_WORKERS".into(), "2".into()),
                    ("NO_COLOR".into(), "1".into()),
                ];
                if name == "hr" {
                    env.push(("HR_ADMIN_CODE".into(), ADMIN_CODE.into()));
                    env.push(("HR_ADMIN_PASSWORD".into(), admin_password.clone()));
                }
                customize(name, &mut env);
                Service {
                    name,
                    port,
                    base: format!("http://127.0.0.1:{port}"),
                    database_url,
                    queue,
                    log: log_dir.join(format!("{name}.log")),
                    env,
                    child: None,
                    client: client.clone(),
                }
            })
            .collect();
        let mut sys = System {
            id,
            exchange,
            secret,
            admin_password,
            client,
            log_dir,
            bin_dir,
            services,
            seconds: Vec::new(),
        };
        let started = Instant::now();
        let others: Vec<&str> = SERVICES.iter().copied().filter(|s| *s != "hr").collect();
        for name in &others {
            let dir = sys.bin_dir.clone();
            sys.service_mut(name).start_process(&dir);
        }
        for name in &others {
            sys.service_mut(name).wait_ready(READY_TIMEOUT).await;
        }
        sys.start_service("hr").await;
        eprintln!(
            "system {} up in {:.1} s; logs in {}",
            sys.id,
            started.elapsed().as_secs_f64(),
            sys.log_dir.display()
        );
        sys
    }

    pub fn service(&self, name: &str) -> &Service {
        self.services
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no service {name}"))
    }

    pub fn service_mut(&mut self, name: &str) -> &mut Service {
        self.services
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no service {name}"))
    }

    pub fn hr(&self) -> &Service {
        self.service("hr")
    }
    pub fn crm(&self) -> &Service {
        self.service("crm")
    }
    pub fn purchasing(&self) -> &Service {
        self.service("purchasing")
    }
    pub fn warehouse(&self) -> &Service {
        self.service("warehouse")
    }
    pub fn production(&self) -> &Service {
        self.service("production")
    }
    pub fn finance(&self) -> &Service {
        self.service("finance")
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn services_mut(&mut self) -> &mut [Service] {
        &mut self.services
    }

    /// A second instance of every service, on the same database, queue and exchange as the
    /// first, with its own port and log (`<svc>-2.log`); waits until each is ready.
    pub async fn start_second_instances(&mut self) {
        let mut seconds: Vec<Service> = self
            .services
            .iter()
            .map(|s| {
                let port = free_port();
                let port_key = format!("{}_PORT", s.name.to_ascii_uppercase());
                let env = s
                    .env
                    .iter()
                    .map(|(k, v)| (k.clone(), if *k == port_key { port.to_string() } else { v.clone() }))
                    .collect();
                Service {
                    name: s.name,
                    port,
                    base: format!("http://127.0.0.1:{port}"),
                    database_url: s.database_url.clone(),
                    queue: s.queue.clone(),
                    log: self.log_dir.join(format!("{}-2.log", s.name)),
                    env,
                    child: None,
                    client: s.client.clone(),
                }
            })
            .collect();
        for s in &mut seconds {
            s.start_process(&self.bin_dir);
        }
        for s in &mut seconds {
            s.wait_ready(READY_TIMEOUT).await;
        }
        self.seconds = seconds;
    }

    /// The second instance of a service (after [`System::start_second_instances`]).
    pub fn second(&self, name: &str) -> &Service {
        self.seconds
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no second instance of {name}"))
    }

    /// Starts (again) one service on its port, database and queue, and waits until it is ready.
    pub async fn start_service(&mut self, name: &str) {
        let dir = self.bin_dir.clone();
        let svc = self.service_mut(name);
        svc.start_process(&dir);
        svc.wait_ready(READY_TIMEOUT).await;
    }

    /// SIGKILL, as a crash.
    pub fn kill(&mut self, name: &str) {
        self.service_mut(name).kill();
    }

    /// SIGTERM (graceful), SIGKILL after 10 s.
    pub fn stop(&mut self, name: &str) {
        self.service_mut(name).terminate(Duration::from_secs(10));
    }

    /// An access token for an employee's password.
    pub async fn login(&self, code: &str, password: &str) -> String {
        let r = self
            .hr()
            .post(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"code": code, "password": password}),
            )
            .await;
        assert_eq!(r.status, 200, "login {code}: {}", r.body);
        r.body["access_token"].as_str().expect("access token").to_owned()
    }

    /// The first hr_admin's token.
    pub async fn admin(&self) -> String {
        self.login(ADMIN_CODE, &self.admin_password).await
    }

    /// Publishes `body` as is to this system's exchange with `routing_key` (persistent,
    /// confirmed), as a broken or hostile producer would.
    pub async fn publish_raw(&self, routing_key: &str, message_id: &str, body: &[u8]) {
        let conn = lapin::Connection::connect(&amqp_url(), Default::default())
            .await
            .expect("broker reachable");
        let ch = conn.create_channel().await.expect("channel");
        ch.confirm_select(Default::default()).await.expect("confirms");
        let props = lapin::BasicProperties::default()
            .with_message_id(message_id.into())
            .with_type(routing_key.into())
            .with_content_type("application/json".into())
            .with_delivery_mode(2);
        let confirm = ch
            .basic_publish(
                self.exchange.as_str().into(),
                routing_key.into(),
                Default::default(),
                body,
                props,
            )
            .await
            .expect("published")
            .await
            .expect("confirmed");
        assert!(confirm.is_ack(), "the broker refused the message");
        let _ = conn.close(200, "published".into()).await;
    }

    fn report_logs(&self) {
        eprintln!("--- service logs of system {} (failed test) ---", self.id);
        for s in self.services.iter().chain(&self.seconds) {
            eprintln!("== {} ({}), last lines:\n{}", s.name, s.log.display(), tail(&s.log, 25));
        }
        eprintln!("--- full logs in {} ---", self.log_dir.display());
    }
}

impl Drop for System {
    fn drop(&mut self) {
        // Processes first: a running consumer would declare its queues again after we delete
        // them.
        for s in self.services.iter_mut().chain(&mut self.seconds) {
            if let Some(c) = &s.child {
                signal(c.id(), "TERM");
            }
        }
        for s in self.services.iter_mut().chain(&mut self.seconds) {
            s.terminate(Duration::from_secs(10));
        }
        let panicking = std::thread::panicking();
        if panicking {
            self.report_logs();
        }
        let queues: Vec<String> = self
            .services
            .iter()
            .flat_map(|s| {
                let q = s.queue.clone();
                let delays = RETRY_DELAYS_MS.split(',').count();
                let mut names: Vec<String> = (0..delays).map(|n| erp_bus::topology::retry_queue(&q, n)).collect();
                names.push(erp_bus::topology::dead_letter_queue(&q));
                names.push(q);
                names
            })
            .collect();
        let exchange = self.exchange.clone();
        let databases: Vec<String> = self.services.iter().map(|s| s.database_url.clone()).collect();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(delete_broker_objects(queues, exchange));
            for url in databases {
                if let Err(e) = erp_db::drop_database(&url) {
                    eprintln!("cannot drop the database of {url}: {e}");
                }
            }
        })
        .join();
        if !panicking {
            let _ = std::fs::remove_dir_all(&self.log_dir);
        }
    }
}

/// Deletes queues and the exchange, opening a new channel after any refusal (a refused
/// command closes the channel).
pub async fn delete_broker_objects(queues: Vec<String>, exchange: String) {
    let Ok(conn) = lapin::Connection::connect(&amqp_url(), Default::default()).await else {
        eprintln!("broker unreachable: queues of {exchange} not deleted");
        return;
    };
    let mut ch = conn.create_channel().await.ok();
    for q in &queues {
        if ch.is_none() {
            ch = conn.create_channel().await.ok();
        }
        if let Some(c) = &ch
            && c.queue_delete(q.as_str().into(), Default::default()).await.is_err()
        {
            ch = None;
        }
    }
    if ch.is_none() {
        ch = conn.create_channel().await.ok();
    }
    if let Some(c) = &ch {
        let _ = c.exchange_delete(exchange.as_str().into(), Default::default()).await;
    }
    let _ = conn.close(200, "test done".into()).await;
}
