//! One service as a real process: where its binary is (built first when missing), how it is
//! spawned (dying with the test), its port, log and HTTP calls.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: a failed set-up should panic

use crate::SERVICES;
use erp_testkit::Resp;
use serde_json::Value;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant, SystemTime};

pub const ADMIN_CODE: &str = "admin";
/// Retry delays of the services under test: short, so failing handlers reach the dead letters
/// in well under a second.
pub(crate) const RETRY_DELAYS_MS: &str = "200,400";
pub(crate) const READY_TIMEOUT: Duration = Duration::from_secs(90);

pub fn amqp_url() -> String {
    erp_testkit::amqp_url()
}

/// `target/<profile>`: where cargo put this test binary's profile (`…/deps/<test>-<hash>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let deps = exe.parent().expect("deps dir");
    deps.parent().expect("profile dir").to_path_buf()
}

pub(crate) fn modified(path: &Path) -> Option<SystemTime> {
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

pub(crate) fn build_services(profile_dir: &Path) {
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
pub(crate) fn spawn(cmd: Command) -> std::io::Result<Child> {
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

pub(crate) fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("local addr").port()
}

pub(crate) fn signal(pid: u32, sig: &str) {
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
    pub(crate) env: Vec<(String, String)>,
    pub(crate) child: Option<Child>,
    pub(crate) client: reqwest::Client,
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

    pub(crate) fn start_process(&mut self, bin_dir: &Path) {
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

    /// SIGKILL without waiting for it, for a test that still lends the service out (the
    /// process is reaped when the system stops).
    pub fn crash(&self) {
        if let Some(pid) = self.pid() {
            signal(pid, "KILL");
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
