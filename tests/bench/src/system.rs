//! The system's figures, measured through the API only: orders created by concurrent clients,
//! reads of an order, the crm → warehouse event hop, and one order of many lines.

use crate::http::{Api, Svc, str_of};
use crate::setup::World;
use crate::stats::Samples;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Load {
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    pub latency: Samples,
    /// What the operations returned (the orders they made).
    pub made: Vec<String>,
}

impl Load {
    pub fn per_sec(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
}

/// `clients` tasks each repeat `op` until `duration` is over; every call is timed.
pub async fn load<F, Fut>(clients: usize, duration: Duration, op: F) -> Load
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<String>>> + Send,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let op = op.clone();
            tokio::spawn(async move {
                let mut out = Load {
                    ok: 0,
                    errors: 0,
                    first_error: None,
                    elapsed: Duration::ZERO,
                    latency: Samples::default(),
                    made: Vec::new(),
                };
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let t0 = Instant::now();
                    match op(client, n).await {
                        Ok(made) => {
                            out.ok += 1;
                            out.latency.push(t0.elapsed());
                            out.made.extend(made);
                        }
                        Err(e) => {
                            out.errors += 1;
                            out.first_error.get_or_insert_with(|| format!("{e:#}"));
                        }
                    }
                    n += 1;
                }
                out
            })
        })
        .collect();
    let mut total = Load {
        ok: 0,
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
        latency: Samples::default(),
        made: Vec::new(),
    };
    for t in tasks {
        match t.await {
            Ok(part) => {
                total.ok += part.ok;
                total.errors += part.errors;
                if total.first_error.is_none() {
                    total.first_error = part.first_error;
                }
                total.latency.extend(part.latency);
                total.made.extend(part.made);
            }
            Err(e) => {
                total.errors += 1;
                total
                    .first_error
                    .get_or_insert_with(|| format!("client task failed: {e}"));
            }
        }
    }
    // Calls in flight at the deadline finish after it; they count, so does their time.
    total.elapsed = start.elapsed();
    total
}

/// A direct order of `lines` lines (qty 1 each); prices from the list unless given.
pub fn order_body(w: &World, items: &[String], unit_price: Option<&str>) -> Value {
    let lines: Vec<Value> = items
        .iter()
        .map(|i| match unit_price {
            Some(p) => json!({"item_id": i, "quantity": "1", "unit_price": p, "tax_rate_pct": "10"}),
            None => json!({"item_id": i, "quantity": "1", "tax_rate_pct": "10"}),
        })
        .collect();
    json!({"customer_id": w.customer_id, "seller": {"name": "Công ty TNHH Bơm Việt"}, "lines": lines})
}

pub async fn create_order(api: &Api, token: &str, body: &Value) -> Result<String> {
    let r = api.post(Svc::Crm, "/api/v1/orders", Some(token), body).await?;
    str_of(&r.expect(201, "create an order")?, "id")
}

pub async fn submit_order(api: &Api, token: &str, order: &str) -> Result<Value> {
    api.post(
        Svc::Crm,
        &format!("/api/v1/orders/{order}/submit"),
        Some(token),
        &json!({}),
    )
    .await?
    .expect(200, "submit the order")
}

/// Approves until the order is approved (one call per step of its chain); returns the calls.
pub async fn approve_order(api: &Api, token: &str, order: &str) -> Result<u32> {
    for call in 1..=4 {
        let body = api
            .post(
                Svc::Crm,
                &format!("/api/v1/orders/{order}/approve"),
                Some(token),
                &json!({}),
            )
            .await?
            .expect(200, "approve the order")?;
        match body["status"].as_str() {
            Some("approved") => return Ok(call),
            Some("pending_approval") => continue,
            other => bail!("the order is {other:?} after an approval"),
        }
    }
    bail!("the order is still not approved after 4 approvals")
}

pub struct Hop {
    /// crm's 201 for the outbound request (its commit) → the note listed by warehouse.
    pub hop: Samples,
    /// The outbound request itself (HTTP round trip to crm).
    pub request: Samples,
}

/// Sequential outbound requests of one unit each on an approved order; after each, warehouse's
/// list of notes (only the ones newer than the last seen) is polled until the note is there.
pub async fn event_hop(api: &Api, w: &World, warm_up: usize, samples: usize) -> Result<Hop> {
    let item = w.items.first().context("no items")?;
    let total = warm_up + samples;
    let body = json!({"customer_id": w.customer_id, "seller": {"name": "Công ty TNHH Bơm Việt"},
                      "lines": [{"item_id": item, "quantity": total.to_string(), "tax_rate_pct": "10"}]});
    let order = create_order(api, &w.seller, &body).await?;
    submit_order(api, &w.seller, &order).await?;
    approve_order(api, &w.manager, &order).await?;
    let detail = api
        .get(Svc::Crm, &format!("/api/v1/orders/{order}"), &w.seller)
        .await?
        .expect(200, "read the hop's order")?;
    let line = str_of(&detail["lines"][0], "id")?;
    let mut cursor: Option<String> = None;
    let mut out = Hop {
        hop: Samples::default(),
        request: Samples::default(),
    };
    for i in 0..total {
        let t0 = Instant::now();
        let r = api
            .post(
                Svc::Crm,
                &format!("/api/v1/orders/{order}/outbound-requests"),
                Some(&w.seller),
                &json!({"warehouse_id": w.warehouse_id, "lines": [{"order_line_id": line, "quantity": "1"}]}),
            )
            .await?
            .expect(201, "request goods")?;
        let committed = Instant::now();
        let request_id = str_of(&r, "id")?;
        let note = loop {
            let mut path = format!("/api/v1/outbound-notes?warehouse_id={}&limit=200", w.warehouse_id);
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = api
                .get(Svc::Warehouse, &path, &w.seller)
                .await?
                .expect(200, "list notes")?;
            let found = page["items"]
                .as_array()
                .and_then(|a| a.iter().find(|n| n["source_id"].as_str() == Some(request_id.as_str())))
                .and_then(|n| n["id"].as_str().map(str::to_owned));
            if let Some(id) = found {
                break id;
            }
            if committed.elapsed() > Duration::from_secs(30) {
                bail!("the note of outbound request {request_id} did not reach warehouse within 30 s");
            }
        };
        if i >= warm_up {
            out.hop.push(committed.elapsed());
            out.request.push(committed - t0);
        }
        cursor = Some(note);
    }
    Ok(out)
}

pub struct BigOrder {
    pub lines: usize,
    pub create: Duration,
    pub submit: Duration,
    pub approve: Duration,
    pub approvals: u32,
    pub read: Duration,
}

impl BigOrder {
    pub fn total(&self) -> Duration {
        self.create + self.submit + self.approve
    }
}

/// One order of every item of the run (one line each), submitted and approved.
pub async fn big_order(api: &Api, w: &World) -> Result<BigOrder> {
    let body = order_body(w, &w.items, Some("100000"));
    let t = Instant::now();
    let order = create_order(api, &w.seller, &body).await?;
    let create = t.elapsed();
    let t = Instant::now();
    let submitted = submit_order(api, &w.seller, &order).await?;
    let submit = t.elapsed();
    if submitted["status"] != "pending_approval" {
        bail!("the big order is {} after submit", submitted["status"]);
    }
    let t = Instant::now();
    let approvals = approve_order(api, &w.manager, &order).await?;
    let approve = t.elapsed();
    let t = Instant::now();
    let read = api
        .get(Svc::Crm, &format!("/api/v1/orders/{order}"), &w.seller)
        .await?
        .expect(200, "read the big order")?;
    let read_time = t.elapsed();
    let lines = read["lines"].as_array().map_or(0, Vec::len);
    if lines != w.items.len() {
        bail!("the big order has {lines} lines, not {}", w.items.len());
    }
    Ok(BigOrder {
        lines,
        create,
        submit,
        approve,
        approvals,
        read: read_time,
    })
}
