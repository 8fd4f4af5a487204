//! Resident memory of the services (VmRSS), from the pids `scripts/run` records in `.run/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub const SERVICES: [&str; 6] = ["hr", "crm", "purchasing", "warehouse", "production", "finance"];

/// kB per service; a service without a readable pid is left out.
pub type Rss = BTreeMap<&'static str, u64>;

pub struct Pids(Vec<(&'static str, u32)>);

impl Pids {
    pub fn read(run_dir: &Path) -> Self {
        Self(
            SERVICES
                .iter()
                .filter_map(|svc| {
                    let pid = std::fs::read_to_string(run_dir.join(format!("{svc}.pid"))).ok()?;
                    Some((*svc, pid.trim().parse().ok()?))
                })
                .collect(),
        )
    }

    pub fn found(&self) -> usize {
        self.0.len()
    }

    pub fn sample(&self) -> Rss {
        self.0
            .iter()
            .filter_map(|(svc, pid)| Some((*svc, vm_rss_kb(*pid)?)))
            .collect()
    }
}

fn vm_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/status"))).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Samples every 200 ms until stopped; keeps each service's peak.
pub struct PeakSampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Rss>,
}

impl PeakSampler {
    pub fn start(pids: Arc<Pids>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let mut peak = Rss::new();
            loop {
                for (svc, kb) in pids.sample() {
                    let p = peak.entry(svc).or_insert(0);
                    *p = (*p).max(kb);
                }
                if flag.load(Ordering::Relaxed) {
                    return peak;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        Self { stop, task }
    }

    pub async fn finish(self) -> Rss {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_default()
    }
}
