//! Logging and trace context: JSON logs carrying the request id and trace id, and the W3C
//! `traceparent` picked up from incoming HTTP requests and AMQP messages and passed on in
//! outgoing reqwest calls and published messages.

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use rand::RngCore;
use std::fmt;
use std::sync::Once;
use std::time::Instant;
use tracing::Instrument;
use tracing_subscriber::{EnvFilter, fmt as tfmt};

pub const TRACEPARENT: &str = "traceparent";
pub const REQUEST_ID: &str = "x-request-id";

/// W3C trace context (version 00).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    pub sampled: bool,
}

impl fmt::Debug for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_header())
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The all-zero id is invalid in W3C trace context.
    while b.iter().all(|x| *x == 0) {
        rand::rng().fill_bytes(&mut b);
    }
    b
}

fn parse_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != N * 2 || !s.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
    }
    (!out.iter().all(|b| *b == 0)).then_some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TraceContext {
    pub fn new_root() -> Self {
        Self {
            trace_id: random(),
            span_id: random(),
            sampled: true,
        }
    }

    /// Same trace, new span: what a callee sees as its parent.
    pub fn child(&self) -> Self {
        Self {
            span_id: random(),
            ..*self
        }
    }

    pub fn parse(header: &str) -> Option<Self> {
        let mut parts = header.trim().split('-');
        let version = parts.next()?;
        if version.len() != 2 || version == "ff" {
            return None;
        }
        let trace_id = parse_hex::<16>(parts.next()?)?;
        let span_id = parse_hex::<8>(parts.next()?)?;
        let flags = u8::from_str_radix(parts.next()?, 16).ok()?;
        if version == "00" && parts.next().is_some() {
            return None;
        }
        Some(Self {
            trace_id,
            span_id,
            sampled: flags & 1 == 1,
        })
    }

    pub fn to_header(&self) -> String {
        format!(
            "00-{}-{}-{:02x}",
            hex(&self.trace_id),
            hex(&self.span_id),
            u8::from(self.sampled)
        )
    }

    pub fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }
}

tokio::task_local! {
    static CURRENT: TraceContext;
}

/// The trace context of the request or message being handled, if any.
pub fn current() -> Option<TraceContext> {
    CURRENT.try_with(|c| *c).ok()
}

/// Runs `fut` with `ctx` as the current trace context.
pub async fn in_context<F: Future>(ctx: TraceContext, fut: F) -> F::Output {
    CURRENT.scope(ctx, fut).await
}

static INIT: Once = Once::new();

/// Installs the global subscriber once per process (tests start several services in one).
pub fn init(json: bool) {
    INIT.call_once(|| {
        let filter =
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,lapin=warn,actix_server=warn"));
        let result = if json {
            tfmt()
                .json()
                .with_env_filter(filter)
                .with_current_span(true)
                .with_span_list(false)
                .flatten_event(true)
                .try_init()
        } else {
            tfmt().with_env_filter(filter).try_init()
        };
        if let Err(e) = result {
            eprintln!("tracing already initialised: {e}");
        }
    });
}

/// actix middleware: request id and trace context in, on the span of every log line, and out
/// in the response headers.
pub async fn request_tracing(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let ctx = req
        .headers()
        .get(TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(TraceContext::parse)
        .map(|parent| parent.child())
        .unwrap_or_else(TraceContext::new_root);
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.path(),
        request_id = %request_id,
        trace_id = %ctx.trace_id_hex(),
    );
    let started = Instant::now();
    let quiet = matches!(req.path(), "/healthz" | "/readyz" | "/metrics");
    let result = in_context(ctx, next.call(req)).instrument(span.clone()).await;
    let mut res = result?;
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    if !quiet {
        span.in_scope(|| tracing::info!(status = res.status().as_u16(), elapsed_us, "request completed"));
    }
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert(HeaderName::from_static(REQUEST_ID), v);
    }
    if let Ok(v) = HeaderValue::from_str(&ctx.to_header()) {
        headers.insert(HeaderName::from_static(TRACEPARENT), v);
    }
    Ok(res)
}

/// Adds the current `traceparent` (as a new child span) to an outgoing reqwest call.
pub trait PropagateTrace {
    fn propagate_trace(self) -> Self;
}

impl PropagateTrace for reqwest::RequestBuilder {
    fn propagate_trace(self) -> Self {
        match current() {
            Some(ctx) => self.header(TRACEPARENT, ctx.child().to_header()),
            None => self,
        }
    }
}

/// Writes `traceparent` into AMQP message headers.
pub fn inject_amqp(headers: &mut FieldTable, traceparent: &str) {
    headers.insert(
        ShortString::from(TRACEPARENT),
        AMQPValue::LongString(traceparent.into()),
    );
}

/// Reads `traceparent` from AMQP message headers.
pub fn extract_amqp(headers: Option<&FieldTable>) -> Option<TraceContext> {
    let value = headers?.inner().get(TRACEPARENT)?;
    match value {
        AMQPValue::LongString(s) => TraceContext::parse(&s.to_string()),
        AMQPValue::ShortString(s) => TraceContext::parse(s.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_traceparent() {
        let h = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let ctx = TraceContext::parse(h).unwrap();
        assert_eq!(ctx.to_header(), h);
        let child = ctx.child();
        assert_eq!(child.trace_id, ctx.trace_id);
        assert_ne!(child.span_id, ctx.span_id);
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        ] {
            assert!(TraceContext::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn amqp_headers_round_trip() {
        let ctx = TraceContext::new_root();
        let mut table = FieldTable::default();
        inject_amqp(&mut table, &ctx.to_header());
        assert_eq!(extract_amqp(Some(&table)), Some(ctx));
    }

    #[tokio::test]
    async fn current_follows_scope() {
        assert!(current().is_none());
        let ctx = TraceContext::new_root();
        assert_eq!(in_context(ctx, async { current() }).await, Some(ctx));
    }
}
