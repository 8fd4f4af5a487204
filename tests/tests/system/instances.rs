//! Two instances of every service at once, each pair on one database and one queue, under a
//! write load of whole sales flows (order created, submitted, approved, sent to the warehouse,
//! issued, booked), while one instance of crm, warehouse and finance is frozen with deliveries
//! in hand and killed (SIGKILL) in the middle: every flow completes, nothing is lost and nothing applied twice. The instances keep
//! nothing of their own: competing consumers share each queue (a killed one's unacknowledged
//! deliveries go to the other), the outbox relays claim rows with SKIP LOCKED and a lease.
//! Callers reach an instance the way a load balancer would send them: round robin over the
//! live ones; an instance is taken out of rotation before it is killed, so no caller is left
//! with an answer it never got (that is a client's retry question, not the instances').
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_scenarios::flows::{HOP, SalesFloor, all_pages, balance, id, trial_balance, until};
use erp_scenarios::system::{Service, System};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

const CLIENTS: usize = 8;
const FLOWS_PER_CLIENT: usize = 12;
const FLOWS: usize = CLIENTS * FLOWS_PER_CLIENT;

/// The two instances of one service, as a load balancer sees them.
struct Pair<'a> {
    instances: [&'a Service; 2],
    alive: [AtomicBool; 2],
    in_flight: [AtomicUsize; 2],
    next: AtomicUsize,
}

/// One caller's use of an instance; the balancer counts it until dropped.
struct Lease<'a> {
    pair: &'a Pair<'a>,
    index: usize,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        self.pair.in_flight[self.index].fetch_sub(1, SeqCst);
    }
}

impl<'a> Pair<'a> {
    fn new(sys: &'a System, name: &str) -> Self {
        Pair {
            instances: [sys.service(name), sys.second(name)],
            alive: [AtomicBool::new(true), AtomicBool::new(true)],
            in_flight: [AtomicUsize::new(0), AtomicUsize::new(0)],
            next: AtomicUsize::new(0),
        }
    }

    /// The next live instance, round robin.
    fn pick(&'a self) -> (&'a Service, Lease<'a>) {
        loop {
            let index = self.next.fetch_add(1, SeqCst) % 2;
            // Counted before the check, so that a kill waiting for zero sees this caller.
            self.in_flight[index].fetch_add(1, SeqCst);
            let lease = Lease { pair: self, index };
            if self.alive[index].load(SeqCst) {
                return (self.instances[index], lease);
            }
        }
    }

    /// Takes the first instance out of rotation, lets its callers finish, freezes it for a
    /// moment (the broker keeps handing it deliveries up to its prefetch, which it cannot
    /// acknowledge) and kills it: what it held must reach the other instance.
    async fn kill_first(&self) {
        self.alive[0].store(false, SeqCst);
        while self.in_flight[0].load(SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        self.instances[0].freeze();
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.instances[0].crash();
    }
}

/// The note the warehouse made of an outbound request, from whichever instance answers.
async fn note_of(floor: &SalesFloor, wh: &Pair<'_>, request: &str) -> String {
    until("the outbound note of a request", HOP * 2, || async {
        let (svc, _lease) = wh.pick();
        let r = svc
            .get(
                &format!("/api/v1/outbound-notes?source_id={request}"),
                Some(&floor.keeper),
            )
            .await;
        r.body["items"][0]["id"].as_str().map(str::to_owned)
    })
    .await
}

/// An order of one piece, submitted and approved (by the sales manager, and the general
/// manager when the customer's credit asks for a second step), each call to any instance.
async fn approved_order(floor: &SalesFloor, crm: &Pair<'_>) -> (String, String) {
    let r = crm
        .pick()
        .0
        .post(
            "/api/v1/orders",
            Some(&floor.seller),
            &json!({"customer_id": floor.customer, "seller": {"name": "Công ty CP Vật tư Thành Công"},
                    "lines": [{"item_id": floor.item, "quantity": "1", "unit_price": "100000", "tax_rate_pct": "10"}]}),
        )
        .await;
    let order = id(&r);
    let line = r.body["lines"][0]["id"].as_str().unwrap().to_owned();
    let (svc, _lease) = crm.pick();
    let r = svc
        .post(
            &format!("/api/v1/orders/{order}/submit"),
            Some(&floor.seller),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
    let mut status = Value::Null;
    for approver in [&floor.manager, &floor.boss] {
        let (svc, _lease) = crm.pick();
        let r = svc
            .post(&format!("/api/v1/orders/{order}/approve"), Some(approver), &json!({}))
            .await;
        // A step the manager does not decide (the customer's credit asks for the general
        // manager's) is a 403 for them.
        assert!(r.status == 200 || r.status == 403, "{}", r.body);
        status = r.body["status"].clone();
        if status == "approved" {
            break;
        }
    }
    assert_eq!(status, "approved");
    (order, line)
}

/// The sum of a Prometheus counter over its labels, from a `/metrics` page.
fn counter(page: &Value, name: &str) -> u64 {
    page.as_str()
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with(name))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_of_every_service_lose_nothing_when_one_is_killed_under_load() {
    let mut sys = System::start().await;
    let floor = SalesFloor::open(&sys, "ONG-2INST", FLOWS as u32 * 2).await;
    sys.start_second_instances().await;
    let (crm, wh, fin) = (
        Pair::new(&sys, "crm"),
        Pair::new(&sys, "warehouse"),
        Pair::new(&sys, "finance"),
    );
    let done = AtomicUsize::new(0);
    let killed_at: Mutex<Option<(Instant, usize)>> = Mutex::new(None);
    let requests: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let orders: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let slowest = Mutex::new(Duration::ZERO);
    let started = Instant::now();

    let client = |_: usize| async {
        for _ in 0..FLOWS_PER_CLIENT {
            let flow_started = Instant::now();
            let (order, line) = approved_order(&floor, &crm).await;
            let request = {
                let (svc, _lease) = crm.pick();
                floor.request_outbound(svc, &order, &line, 1).await
            };
            let note = note_of(&floor, &wh, &request).await;
            {
                let (svc, _lease) = wh.pick();
                floor.confirm_note(svc, &note).await;
            }
            requests.lock().unwrap().insert(request);
            orders.lock().unwrap().push(order);
            let mut s = slowest.lock().unwrap();
            *s = (*s).max(flow_started.elapsed());
            done.fetch_add(1, SeqCst);
        }
    };
    let killer = async {
        while done.load(SeqCst) < FLOWS / 3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        futures::join!(crm.kill_first(), wh.kill_first(), fin.kill_first());
        *killed_at.lock().unwrap() = Some((Instant::now(), done.load(SeqCst)));
    };
    let clients = futures::future::join_all((0..CLIENTS).map(client));
    futures::join!(clients, killer);
    let elapsed = started.elapsed();
    let (killed, done_at_kill) = killed_at.lock().unwrap().expect("the instances were killed");

    // What is left running: the second instances. Every flow's effects exactly once.
    let (crm, wh, fin) = (sys.second("crm"), sys.second("warehouse"), sys.second("finance"));
    let requests = requests.into_inner().unwrap();
    assert_eq!(requests.len(), FLOWS);
    let notes = floor.sales_notes(wh).await;
    let sources: Vec<&str> = notes.iter().map(|n| n["source_id"].as_str().unwrap()).collect();
    let distinct: BTreeSet<String> = sources.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(sources.len(), FLOWS, "one note per request, none twice");
    assert_eq!(distinct, requests, "every request became its note");
    let cost = Decimal::from(FLOWS) * floor.unit_cost;
    until("finance booked every issue", HOP, || async {
        let (tb, _) = trial_balance(fin, &floor.finance, "VND").await;
        (balance(&tb, "632") >= cost).then_some(())
    })
    .await;
    for order in orders.into_inner().unwrap() {
        until("crm knows the order issued", HOP, || async {
            (floor.progress(crm, &order).await == (Decimal::ONE, Decimal::ONE)).then_some(())
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (tb, body) = trial_balance(fin, &floor.finance, "VND").await;
    assert_eq!(balance(&tb, "632"), cost, "{body}");
    let entries = all_pages(
        fin,
        "/api/v1/journal?source_kind=warehouse.outbound_note",
        &floor.finance,
    )
    .await;
    assert_eq!(entries.len(), FLOWS, "one cost entry per note");
    assert_eq!(floor.on_hand(wh).await, floor.opening_stock - Decimal::from(FLOWS));
    let r = wh.get("/api/v1/stock/ledger-check", Some(&floor.boss)).await;
    assert_eq!(r.body["consistent"], true, "ledger check: {}", r.body);
    for name in ["hr", "crm", "purchasing", "warehouse", "production", "finance"] {
        let r = sys.second(name).get("/api/v1/dead-letters", Some(&floor.boss)).await;
        assert_eq!(r.body.as_array().map(Vec::len), Some(0), "{name}: {}", r.body);
    }
    // What the killed instances held went to the others: the broker marks those deliveries.
    let mut redelivered = 0;
    for svc in [crm, wh, fin] {
        redelivered += counter(&svc.get("/metrics", None).await.body, "events_redelivered_total");
    }
    assert!(
        redelivered > 0,
        "the killed instances held no deliveries: the kill proved nothing"
    );
    let slowest = slowest.into_inner().unwrap();
    let before = killed.duration_since(started).as_secs_f64();
    let after = elapsed.as_secs_f64() - before;
    eprintln!(
        "two instances: {FLOWS} flows by {CLIENTS} clients in {:.1} s; killed crm, warehouse and finance's \
         first instances after {done_at_kill} flows ({:.1} flows/s before, {:.1} flows/s after on one \
         instance each); slowest flow {:.2} s; {redelivered} deliveries redelivered to the survivors; {} notes, \
         {} cost entries, nothing twice",
        elapsed.as_secs_f64(),
        done_at_kill as f64 / before,
        (FLOWS - done_at_kill) as f64 / after.max(0.001),
        slowest.as_secs_f64(),
        notes.len(),
        entries.len()
    );
}
