//! The console in Debian's chromium, driven by Playwright (`console/e2e/`), against the whole
//! system: the six services as processes, and nginx in front of them and of the built console
//! with the configuration `scripts/run` gives it (`scripts/lib/console.sh`). scripts/test builds
//! the console and installs chromium and nginx before the suite; run alone, build it first with
//! `cd console && npm ci && npm run build`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_scenarios::system::System;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

struct Proxy(Child);

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Writes the proxy's configuration for this system's ports into `dir` and starts nginx on
/// `port` in the foreground (it stops with the test).
fn start_proxy(sys: &System, dir: &Path, port: u16) -> Proxy {
    let root = workspace();
    let mut script = Command::new("bash");
    script.current_dir(&root).args([
        "-c",
        "source scripts/lib/setup.sh && source scripts/lib/console.sh && _erp_console_conf \"$1\" \"$2\"",
        "conf",
        dir.to_str().unwrap(),
        &port.to_string(),
    ]);
    for s in sys.services() {
        script.env(format!("{}_PORT", s.name.to_ascii_uppercase()), s.port.to_string());
    }
    script.env("CONSOLE_HOST", "127.0.0.1");
    assert!(
        script.status().unwrap().success(),
        "the proxy's configuration was not written"
    );
    let child = Command::new("/usr/sbin/nginx")
        .args([
            "-c",
            dir.join("nginx.conf").to_str().unwrap(),
            "-p",
            dir.to_str().unwrap(),
        ])
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts (scripts/test installs it: apt-get install nginx-light)");
    Proxy(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_in_a_browser() {
    let console = workspace().join("console");
    for needed in ["dist/index.html", "node_modules/.bin/playwright"] {
        assert!(
            console.join(needed).exists(),
            "console/{needed} is missing: scripts/test builds the console first (or: cd console && npm ci && npm run build)"
        );
    }
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "chromium is missing: apt-get install chromium fonts-noto-cjk"
    );
    let sys = System::start().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = sys.log_dir.join("console");
    std::fs::create_dir_all(&dir).unwrap();
    let _proxy = start_proxy(&sys, &dir, port);
    let target = workspace().join("target");
    let shots = target.join("console-screens");
    let url = format!("http://127.0.0.1:{port}");
    let ready = std::time::Instant::now();
    while reqwest::get(&url).await.map(|r| r.status().as_u16()).ok() != Some(200) {
        assert!(ready.elapsed().as_secs() < 10, "the proxy did not answer on {url}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let output = tokio::task::spawn_blocking({
        let (console, shots, target, password) = (
            console.clone(),
            shots.clone(),
            target.clone(),
            sys.admin_password.clone(),
        );
        move || {
            Command::new(console.join("node_modules/.bin/playwright"))
                .current_dir(&console)
                .arg("test")
                .env("CONSOLE_URL", &url)
                .env("CONSOLE_ADMIN_CODE", erp_scenarios::system::ADMIN_CODE)
                .env("CONSOLE_ADMIN_PASSWORD", password)
                .env("CONSOLE_SCREENSHOTS", &shots)
                .env("CONSOLE_ARTIFACTS", target.join("console-results"))
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
                .output()
                .expect("playwright runs")
        }
    })
    .await
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{text}\nscreenshots in {}", shots.display());
    assert!(output.status.success(), "the browser tests failed:\n{text}");
}
