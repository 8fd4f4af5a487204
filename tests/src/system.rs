//! The whole system as real processes: the six service binaries from the workspace's target
//! directory, started against the real PostgreSQL and RabbitMQ with this run's own databases
//! (`erp_test_<svc>_<id>`), exchange (`test.<id>.events`), queues (`test.<id>.<svc>`), free
//! ports and signing secret, and driven only over HTTP. Dropping the [`System`] stops the
//! processes (SIGTERM, then SIGKILL) before it deletes their queues, exchange and databases.
//! Each process's output goes to `target/<profile>/scenario-logs/<id>/<svc>.log`; the paths
//! (and the last lines) are printed when a test fails, and the logs are removed when it passes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: a failed set-up should panic

use crate::SERVICES;
use erp_testkit::Resp;
use serde_json::Value;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant, SystemTime};
use uuid::Uuid;

pub const ADMIN_CODE: &str = "admin";
/// Retry delays of the services under test: short, so failing handlers reach the dead letters
/// in well under a second.
const RETRY_DELAYS_MS: &str = "200,400";
const READY_TIMEOUT: Duration = Duration::from_secs(90);

pub fn amqp_url() -> String {
    erp_testkit::amqp_url()
}

/// `target/<profile>`: where cargo put this test binary's profile (`…/deps/<test>-<hash>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let deps = exe.parent().expect("deps dir");
    deps.parent().expect("profile dir").to_path_buf()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The directory holding the six service binaries, built first when one is missing (or, under
/// nextest, older than this test binary: the services' code may have changed since). Plain
/// `cargo test` holds cargo's build lock while tests run, so there a missing binary is an error
/// asking for `cargo build --bins` instead of a build that would wait forever.
pub fn binaries() -> PathBuf {
    static BUILT: OnceLock<Mutex<bool>> = OnceLock::new();
    let dir = profile_dir();
    let mut done = BUILT
        .get_or_init(|| Mutex::new(false))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if *done {
        return dir;
    }
    let this = std::env::current_exe().ok().and_then(|e| modified(&e));
    let missing: Vec<&str> = SERVICES
        .iter()
        .copied()
        .filter(|s| modified(&dir.join(s)).is_none())
        .collect();
    let stale = SERVICES
        .iter()
        .any(|s| matches!((modified(&dir.join(s)), this), (Some(bin), Some(exe)) if bin < exe));
    let under_nextest = std::env::var_os("NEXTEST").is_some();
    if !missing.is_empty() && !under_nextest {
        panic!(
            "service binaries missing in {}: {missing:?}; run `cargo build --workspace --bins` first \
             (cargo test holds the build lock, so the test cannot build them itself)",
            dir.display()
        );
    }
    if !missing.is_empty() || (stale && under_nextest) {
        build_services(&dir);
    }
    *done = true;
    dir
}

fn build_services(profile_dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let target = profile_dir.parent().expect("target dir");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--bins"]);
    for s in SERVICES {
        cmd.args(["-p", s]);
    }
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    eprintln!("building the service binaries: {cmd:?}");
    let status = cmd.status().expect("cargo runs");
    assert!(status.success(), "building the service binaries failed: {status}");
}

/// Every child is spawned from one thread that lives as long as the test process, so a
/// parent-death signal (`setpriv --pdeathsig KILL`) fires only when the test process itself
/// dies (e.g. killed on a timeout), never when some runtime thread exits.
fn spawn(cmd: Command) -> std::io::Result<Child> {
    type Request = (Command, mpsc::Sender<std::io::Result<Child>>);
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<Request>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Request>();
        std::thread::Builder::new()
            .name("service-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("spawner thread");
        Mutex::new(tx)
    });
    let (tx, rx) = mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((cmd, tx))
        .expect("spawner alive");
    rx.recv().expect("spawner answers")
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("local addr").port()
}

fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The last `n` lines of a file.
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// One service process (running or stopped) and how to call it.
pub struct Service {
    pub name: &'static str,
    pub port: u16,
    pub base: String,
    pub database_url: String,
    pub queue: String,
    pub log: PathBuf,
    env: Vec<(String, String)>,
    child: Option<Child>,
    client: reqwest::Client,
}

impl Service {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A request that may fail to connect (the process is down).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Resp, reqwest::Error> {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await?;
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = res.bytes().await?;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Ok(Resp {
            status,
            content_type,
            body,
        })
    }

    #[track_caller]
    pub fn call<'a>(
        &'a self,
        method: reqwest::Method,
        path: &'a str,
        token: Option<&'a str>,
        body: Option<&'a Value>,
    ) -> impl Future<Output = Resp> + 'a {
        let at = std::panic::Location::caller();
        async move {
            self.send(method.clone(), path, token, body)
                .await
                .unwrap_or_else(|e| panic!("{method} {} {path} at {at}: {e}", self.name))
        }
    }

    #[track_caller]
    pub fn get<'a>(&'a self, path: &'a str, token: Option<&'a str>) -> impl Future<Output = Resp> + 'a {
        self.call(reqwest::Method::GET, path, token, None)
    }

    #[track_caller]
    pub fn post<'a>(
        &'a self,
        path: &'a str,
        token: Option<&'a str>,
        body: &'a Value,
    ) -> impl Future<Output = Resp> + 'a {
        self.call(reqwest::Method::POST, path, token, Some(body))
    }

    #[track_caller]
    pub fn put<'a>(
        &'a self,
        path: &'a str,
        token: Option<&'a str>,
        body: &'a Value,
    ) -> impl Future<Output = Resp> + 'a {
        self.call(reqwest::Method::PUT, path, token, Some(body))
    }

    /// `/readyz` answers 200.
    pub async fn is_ready(&self) -> bool {
        self.client
            .get(self.url("/readyz"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }

    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn start_process(&mut self, bin_dir: &Path) {
        let bin = bin_dir.join(self.name);
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let mut cmd = if Path::new("/usr/bin/setpriv").exists() {
            let mut c = Command::new("/usr/bin/setpriv");
            c.args(["--pdeathsig", "KILL", "--"]).arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        let child = spawn(cmd).unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        self.child = Some(child);
    }

    /// Waits for `/readyz`; panics (with the end of the log) when the process exits or the
    /// time is up.
    pub async fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(c) = &mut self.child
                && let Ok(Some(status)) = c.try_wait()
            {
                panic!(
                    "{} exited during start-up ({status}); log {}:\n{}",
                    self.name,
                    self.log.display(),
                    tail(&self.log, 40)
                );
            }
            if self.is_ready().await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready within {timeout:?}; log {}:\n{}",
                self.name,
                self.log.display(),
                tail(&self.log, 40)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown at all, as a crash.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGSTOP: the process stays, frozen, its connections open; what is sent to it waits.
    pub fn freeze(&self) {
        if let Some(pid) = self.pid() {
            signal(pid, "STOP");
        }
    }

    /// SIGCONT after [`Service::freeze`].
    pub fn thaw(&self) {
        if let Some(pid) = self.pid() {
            signal(pid, "CONT");
        }
    }

    /// SIGTERM, then SIGKILL after `grace`.
    pub fn terminate(&mut self, grace: Duration) {
        let Some(mut c) = self.child.take() else {
            return;
        };
        if matches!(c.try_wait(), Ok(Some(_))) {
            return;
        }
        signal(c.id(), "TERM");
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if matches!(c.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = c.kill();
        let _ = c.wait();
    }
}

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
        for s in &self.services {
            eprintln!("== {} ({}), last lines:\n{}", s.name, s.log.display(), tail(&s.log, 25));
        }
        eprintln!("--- full logs in {} ---", self.log_dir.display());
    }
}

impl Drop for System {
    fn drop(&mut self) {
        // Processes first: a running consumer would declare its queues again after we delete
        // them.
        for s in &mut self.services {
            if let Some(c) = &s.child {
                signal(c.id(), "TERM");
            }
        }
        for s in &mut self.services {
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
