//! Outages of the SHARED servers: the machine's RabbitMQ and PostgreSQL stopped and started
//! again. Every other test on the machine loses them too, so the tests using these are
//! `#[ignore]`d and run alone after the suite (`scripts/test`). A guard brings the server back
//! when dropped, also when the test fails half-way.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::process::Command;
use std::time::{Duration, Instant};

fn run(program: &str, args: &[&str]) -> bool {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            eprintln!(
                "{program} {}: {}\n{}{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            false
        }
        Err(e) => {
            eprintln!("{program} {}: {e}", args.join(" "));
            false
        }
    }
}

/// Polls `ok` until it holds (true) or `timeout` passes (false, with a message): never panics,
/// as guards call it while a failed test unwinds.
fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while !ok() {
        if started.elapsed() > timeout {
            eprintln!("{what}: not within {timeout:?}");
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    true
}

/// RabbitMQ accepts an AMQP connection.
async fn broker_up() -> bool {
    match lapin::Connection::connect(&erp_testkit::amqp_url(), Default::default()).await {
        Ok(c) => {
            let _ = c.close(200, "probe".into()).await;
            true
        }
        Err(_) => false,
    }
}

/// The broker's application stopped (`rabbitmqctl stop_app`): every connection is closed and
/// none is accepted until [`BrokerOutage::end`] (or drop) starts it again.
pub struct BrokerOutage {
    down: bool,
    pub started: Instant,
}

impl BrokerOutage {
    pub async fn begin() -> Self {
        let ok = tokio::task::spawn_blocking(|| run("rabbitmqctl", &["-q", "stop_app"]))
            .await
            .unwrap_or(false);
        assert!(ok, "rabbitmqctl stop_app failed");
        Self {
            down: true,
            started: Instant::now(),
        }
    }

    /// Starts the broker again and waits until it accepts connections; returns how long it was
    /// down.
    pub async fn end(mut self) -> Duration {
        let started = tokio::task::spawn_blocking(start_broker).await.unwrap_or(false);
        self.down = !started;
        assert!(started, "rabbitmqctl start_app failed");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !broker_up().await {
            assert!(Instant::now() < deadline, "RabbitMQ back within 60 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.started.elapsed()
    }
}

fn start_broker() -> bool {
    if run("rabbitmqctl", &["-q", "start_app"]) {
        return true;
    }
    // The node itself is gone: start it as its service would.
    run("rabbitmq-server", &["-detached"]);
    wait_for("the RabbitMQ node answers", Duration::from_secs(60), || {
        run("rabbitmqctl", &["-q", "await_startup"])
    }) && run("rabbitmqctl", &["-q", "start_app"])
}

impl Drop for BrokerOutage {
    fn drop(&mut self) {
        if self.down {
            eprintln!("bringing RabbitMQ back after a failed test");
            start_broker();
        }
    }
}

/// The version directory of the PostgreSQL cluster (`/etc/postgresql/<version>/main`).
fn pg_version() -> String {
    let mut versions: Vec<String> = std::fs::read_dir("/etc/postgresql")
        .expect("/etc/postgresql (a Debian PostgreSQL cluster)")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("main").is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL cluster named main")
}

fn pg_ctl(action: &str) -> bool {
    let version = pg_version();
    let mut args = vec!["--skip-systemctl-redirect", version.as_str(), "main", action];
    if action == "stop" {
        // Fast: sessions are cut at once, as when the server goes away.
        args.extend(["-m", "fast"]);
    }
    run("pg_ctlcluster", &args)
}

/// PostgreSQL accepts connections on 127.0.0.1:5432 (or `PGPORT`).
pub fn database_up() -> bool {
    let port = std::env::var("PGPORT").unwrap_or_else(|_| "5432".into());
    run("pg_isready", &["-q", "-h", "127.0.0.1", "-p", &port])
}

/// The machine's PostgreSQL cluster stopped (`pg_ctlcluster … stop -m fast`) until
/// [`DatabaseOutage::end`] (or drop) starts it again.
pub struct DatabaseOutage {
    down: bool,
    pub started: Instant,
}

impl DatabaseOutage {
    pub async fn begin() -> Self {
        let ok = tokio::task::spawn_blocking(|| pg_ctl("stop")).await.unwrap_or(false);
        assert!(ok, "pg_ctlcluster stop failed");
        Self {
            down: true,
            started: Instant::now(),
        }
    }

    /// Starts PostgreSQL again and waits until it accepts connections; returns how long it was
    /// down.
    pub async fn end(mut self) -> Duration {
        let up = tokio::task::spawn_blocking(start_database).await.unwrap_or(false);
        self.down = !up;
        assert!(up, "PostgreSQL back within 60 s");
        self.started.elapsed()
    }
}

fn start_database() -> bool {
    pg_ctl("start");
    wait_for("PostgreSQL back", Duration::from_secs(60), database_up)
}

impl Drop for DatabaseOutage {
    fn drop(&mut self) {
        if self.down {
            eprintln!("bringing PostgreSQL back after a failed test");
            start_database();
        }
    }
}
