//! `erp-bench`: the running system's figures next to the physical limit of the same machine.
//! Run it through `scripts/bench`, which checks the services are up, runs pgbench and passes
//! its TPS in `BENCH_PGBENCH_TPCB_TPS` / `BENCH_PGBENCH_SELECT_TPS`.
//!
//! Settings (environment): `BENCH_CLIENTS` (32), `BENCH_SECONDS` per load phase (15),
//! `BENCH_HOP_SAMPLES` (200), `BENCH_BIG_LINES` (1000), `BENCH_RMQ_SAMPLES` (1000),
//! `BENCH_RMQ_MESSAGES` (20000), `BENCH_HOST` (127.0.0.1), `BENCH_RUN_DIR` (.run),
//! `<SVC>_PORT`, `AMQP_URL`, `HR_ADMIN_CODE` (admin), `HR_ADMIN_PASSWORD` (admin123).

mod http;
mod memory;
mod rabbit;
mod setup;
mod stats;
mod system;

use anyhow::Result;
use http::{Api, Svc};
use memory::{PeakSampler, Pids, Rss, SERVICES};
use stats::ms;
use std::sync::Arc;
use std::time::Duration;
use system::Load;

struct Settings {
    clients: usize,
    seconds: u64,
    hop_samples: usize,
    big_lines: usize,
    rmq_samples: usize,
    rmq_messages: usize,
    host: String,
    run_dir: String,
    amqp_url: String,
    admin_code: String,
    admin_password: String,
    tpcb_tps: Option<f64>,
    select_tps: Option<f64>,
    pgbench_scale: String,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Settings {
    fn from_env() -> Self {
        let text = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
        Self {
            clients: env_or("BENCH_CLIENTS", 32),
            seconds: env_or("BENCH_SECONDS", 15),
            hop_samples: env_or("BENCH_HOP_SAMPLES", 200),
            big_lines: env_or("BENCH_BIG_LINES", 1000).max(5),
            rmq_samples: env_or("BENCH_RMQ_SAMPLES", 1000),
            rmq_messages: env_or("BENCH_RMQ_MESSAGES", 20_000),
            host: text("BENCH_HOST", "127.0.0.1"),
            run_dir: text("BENCH_RUN_DIR", ".run"),
            amqp_url: text("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f"),
            admin_code: text("HR_ADMIN_CODE", "admin"),
            admin_password: text("HR_ADMIN_PASSWORD", "admin123"),
            tpcb_tps: std::env::var("BENCH_PGBENCH_TPCB_TPS")
                .ok()
                .and_then(|v| v.parse().ok()),
            select_tps: std::env::var("BENCH_PGBENCH_SELECT_TPS")
                .ok()
                .and_then(|v| v.parse().ok()),
            pgbench_scale: text("BENCH_PGBENCH_SCALE", "?"),
        }
    }
}

fn progress(msg: &str) {
    eprintln!("==> {msg}");
}

#[tokio::main]
async fn main() -> Result<()> {
    let s = Settings::from_env();
    let api = Api::new(&s.host)?;
    let pids = Arc::new(Pids::read(std::path::Path::new(&s.run_dir)));
    if pids.found() < SERVICES.len() {
        progress(&format!(
            "only {} of {} pid files in {}: memory is shown for those",
            pids.found(),
            SERVICES.len(),
            s.run_dir
        ));
    }
    let idle = pids.sample();

    progress(&format!(
        "raw RabbitMQ: {} round trips, then {} pipelined messages",
        s.rmq_samples, s.rmq_messages
    ));
    let queue = format!("bench.raw.{}", uuid::Uuid::now_v7());
    let raw = rabbit::measure(&s.amqp_url, &queue, s.rmq_samples, s.rmq_messages).await?;

    progress(&format!(
        "setting up: people, a warehouse, {} items, prices, a customer",
        s.big_lines
    ));
    let world = Arc::new(setup::build(&api, &s.admin_code, &s.admin_password, s.big_lines).await?);
    progress(&format!(
        "set up run B{} in {:.1} s",
        world.run_id,
        world.setup_time.as_secs_f64()
    ));

    let duration = Duration::from_secs(s.seconds);
    let sampler = PeakSampler::start(pids.clone());
    let five = Arc::new(system::order_body(&world, &world.items[..5], None));

    progress(&format!(
        "{} clients creating draft orders for {} s",
        s.clients, s.seconds
    ));
    let drafts = {
        let (api, w, body) = (api.clone(), world.clone(), five.clone());
        system::load(s.clients, duration, move |_, _| {
            let (api, w, body) = (api.clone(), w.clone(), body.clone());
            async move { Ok(Some(system::create_order(&api, &w.seller, &body).await?)) }
        })
        .await
    };
    progress(&format!(
        "{} clients creating and submitting orders for {} s",
        s.clients, s.seconds
    ));
    let submitted = {
        let (api, w, body) = (api.clone(), world.clone(), five.clone());
        system::load(s.clients, duration, move |_, _| {
            let (api, w, body) = (api.clone(), w.clone(), body.clone());
            async move {
                let id = system::create_order(&api, &w.seller, &body).await?;
                let o = system::submit_order(&api, &w.seller, &id).await?;
                anyhow::ensure!(o["status"] == "pending_approval", "submitted order is {}", o["status"]);
                Ok(Some(id))
            }
        })
        .await
    };
    let ids: Arc<Vec<String>> = Arc::new(drafts.made.iter().chain(&submitted.made).cloned().collect());
    anyhow::ensure!(!ids.is_empty(), "no order was created: {:?}", drafts.first_error);
    progress(&format!(
        "{} clients reading {} orders for {} s",
        s.clients,
        ids.len(),
        s.seconds
    ));
    let reads = {
        let (api, w, ids) = (api.clone(), world.clone(), ids.clone());
        system::load(s.clients, duration, move |client, n| {
            let (api, w) = (api.clone(), w.clone());
            let id = ids[(client * 7919 + n as usize * 104_729) % ids.len()].clone();
            async move {
                api.get(Svc::Crm, &format!("/api/v1/orders/{id}"), &w.seller)
                    .await?
                    .expect(200, "read an order")?;
                Ok(None)
            }
        })
        .await
    };
    let peak = sampler.finish().await;

    progress(&format!(
        "event hop: {} outbound requests, one at a time",
        s.hop_samples
    ));
    let hop = system::event_hop(&api, &world, 10, s.hop_samples).await?;
    progress(&format!("one order of {} lines: create, submit, approve", s.big_lines));
    let big = system::big_order(&api, &world).await?;

    print_table(&Report {
        s: &s,
        w: &world,
        raw: &raw,
        drafts: &drafts,
        submitted: &submitted,
        reads: &reads,
        hop: &hop,
        big: &big,
        idle: &idle,
        peak: &peak,
    });
    Ok(())
}

fn ratio_pct(value: f64, raw: Option<f64>) -> String {
    match raw {
        Some(r) if r > 0.0 => format!("{:.1} %", 100.0 * value / r),
        _ => "n/a".into(),
    }
}

fn tps(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |t| format!("{t:.0} TPS"))
}

fn load_line(name: &str, l: &Load) -> String {
    let errors = match &l.first_error {
        Some(e) => format!("; {} errors, first: {e}", l.errors),
        None => String::new(),
    };
    format!(
        "  {name:<48} {:>7} calls in {:.1} s, per call p50 {:.1} ms p99 {:.1} ms{errors}",
        l.ok,
        l.elapsed.as_secs_f64(),
        ms(l.latency.p50()),
        ms(l.latency.p99())
    )
}

struct Report<'a> {
    s: &'a Settings,
    w: &'a setup::World,
    raw: &'a rabbit::RawRabbit,
    drafts: &'a Load,
    submitted: &'a Load,
    reads: &'a Load,
    hop: &'a system::Hop,
    big: &'a system::BigOrder,
    idle: &'a Rss,
    peak: &'a Rss,
}

fn print_table(r: &Report<'_>) {
    let Report {
        s,
        w,
        raw,
        drafts,
        submitted,
        reads,
        hop,
        big,
        idle,
        peak,
    } = *r;
    let (rt50, rt99) = (ms(raw.round_trip.p50()), ms(raw.round_trip.p99()));
    let (hop50, hop99) = (ms(hop.hop.p50()), ms(hop.hop.p99()));
    println!();
    println!(
        "ERP benchmark: run B{}, {} clients, {} s per load phase",
        w.run_id, s.clients, s.seconds
    );
    println!();
    println!("Raw figures (same machine)");
    println!(
        "  {:<62} {:>16}",
        format!(
            "pgbench TPC-B (-c {} -j 2 -T {}, scale {})",
            s.clients, s.seconds, s.pgbench_scale
        ),
        tps(s.tpcb_tps)
    );
    println!("  {:<62} {:>16}", "pgbench select-only (-S, same)", tps(s.select_tps));
    println!(
        "  {:<62} {:>16}",
        format!(
            "RabbitMQ persistent+confirmed round trip p50 ({} msgs)",
            raw.round_trip.len()
        ),
        format!("{rt50:.2} ms")
    );
    println!(
        "  {:<62} {:>16}",
        "RabbitMQ persistent+confirmed round trip p99",
        format!("{rt99:.2} ms")
    );
    println!(
        "  {:<62} {:>16}",
        format!("RabbitMQ pipelined publish+consume ({} msgs)", raw.throughput_messages),
        format!("{:.0} msgs/s", raw.msgs_per_sec)
    );
    println!();
    println!("System figures                                                   value     raw figure        ratio");
    let row = |name: &str, value: String, rawv: String, ratio: String| {
        println!("  {name:<58} {value:>12}  {rawv:<16} {ratio:>8}");
    };
    row(
        "orders created + submitted /s (5 lines, outbox row)",
        format!("{:.1}/s", submitted.per_sec()),
        format!("TPC-B {}", tps(s.tpcb_tps)),
        ratio_pct(submitted.per_sec(), s.tpcb_tps),
    );
    row(
        "orders created (draft, 5 lines) /s",
        format!("{:.1}/s", drafts.per_sec()),
        format!("TPC-B {}", tps(s.tpcb_tps)),
        ratio_pct(drafts.per_sec(), s.tpcb_tps),
    );
    row(
        "order reads /s (GET /api/v1/orders/{id})",
        format!("{:.1}/s", reads.per_sec()),
        format!("-S {}", tps(s.select_tps)),
        ratio_pct(reads.per_sec(), s.select_tps),
    );
    row(
        &format!("event hop p50 (crm commit -> note in warehouse, {})", hop.hop.len()),
        format!("{hop50:.2} ms"),
        format!("RMQ {rt50:.2} ms"),
        format!("{:.1} x", hop50 / rt50.max(f64::EPSILON)),
    );
    row(
        "event hop p99",
        format!("{hop99:.2} ms"),
        format!("RMQ {rt99:.2} ms"),
        format!("{:.1} x", hop99 / rt99.max(f64::EPSILON)),
    );
    row(
        &format!("one order of {} lines: create + submit + approve", big.lines),
        format!("{:.0} ms", ms(big.total())),
        String::new(),
        String::new(),
    );
    println!(
        "    create {:.0} ms, submit {:.0} ms, approve {:.0} ms ({} call{}), then GET {:.0} ms",
        ms(big.create),
        ms(big.submit),
        ms(big.approve),
        big.approvals,
        if big.approvals == 1 { "" } else { "s" },
        ms(big.read)
    );
    println!();
    println!("Load phases ({} concurrent clients)", s.clients);
    println!("{}", load_line("create a draft order", drafts));
    println!("{}", load_line("create + submit an order (2 calls)", submitted));
    println!("{}", load_line("GET an order", reads));
    println!(
        "  {:<48} p50 {:.1} ms p99 {:.1} ms",
        "outbound request (during the hop)",
        ms(hop.request.p50()),
        ms(hop.request.p99())
    );
    println!();
    println!("Resident memory (VmRSS, MiB)    idle   under load (peak)");
    for svc in SERVICES {
        let mib = |r: &Rss| {
            r.get(svc)
                .map_or_else(|| "n/a".into(), |kb| format!("{:.1}", *kb as f64 / 1024.0))
        };
        println!("  {svc:<28} {:>6}   {:>8}", mib(idle), mib(peak));
    }
}
