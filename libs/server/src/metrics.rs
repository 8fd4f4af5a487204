//! Prometheus metrics of one service instance (its own registry: tests run several services
//! in one process).

use crate::AppContext;
use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use erp_bus::BusMetrics;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};
use std::time::Instant;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    outbox_backlog: IntGauge,
    pub bus: BusMetrics,
    pool: erp_db::Pool,
}

impl Metrics {
    pub fn new(service: &str, pool: erp_db::Pool) -> Result<Self, prometheus::Error> {
        let labels = std::collections::HashMap::from([("service".to_owned(), service.to_owned())]);
        let registry = Registry::new_custom(None, Some(labels))?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        let outbox_backlog = IntGauge::new("outbox_backlog", "events waiting in the outbox for the broker")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(outbox_backlog.clone()))?;
        let bus = BusMetrics::new(&registry)?;
        Ok(Self {
            registry,
            requests,
            latency,
            outbox_backlog,
            bus,
            pool,
        })
    }

    /// The text exposition; the outbox backlog is read from the database at scrape time.
    pub async fn render(&self) -> String {
        match erp_db::with_conn(&self.pool, erp_bus::outbox::backlog).await {
            Ok(n) => self.outbox_backlog.set(n),
            Err(e) => tracing::debug!(error = %e, "outbox backlog not readable"),
        }
        let mut buf = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// Counts every request and its latency by route pattern (not raw path: ids would explode the
/// label set).
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let ctx = req.app_data::<web::Data<AppContext>>().cloned();
    let method = req.method().to_string();
    let started = Instant::now();
    let res = next.call(req).await?;
    if let Some(ctx) = ctx {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        let status = res.status().as_u16().to_string();
        ctx.metrics
            .requests
            .with_label_values(&[method.as_str(), route.as_str(), status.as_str()])
            .inc();
        ctx.metrics
            .latency
            .with_label_values(&[method.as_str(), route.as_str()])
            .observe(started.elapsed().as_secs_f64());
    }
    Ok(res)
}
