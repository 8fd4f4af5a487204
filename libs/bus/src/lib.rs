//! The message bus: the event envelope, a transactional outbox with a relay that publishes
//! with publisher confirms, and an idempotent consumer (inbox) with growing retry delays and a
//! dead-letter queue. Both loops own their reconnects: they outlive a broker restart.

pub mod consumer;
pub mod dead_letters;
mod delivery;
pub mod flow;
mod handlers;
mod metrics;
pub mod outbox;
pub mod relay;
pub mod schema;
pub mod topology;

pub use consumer::Consumer;
pub use handlers::{HandlerError, Subscriptions};
pub use metrics::BusMetrics;
pub use outbox::enqueue;

use chrono::{DateTime, Utc};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_contracts::Event;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use uuid::Uuid;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Header counting delivery attempts of one message (RabbitMQ 3.10 keeps no count for us).
pub const ATTEMPT_HEADER: &str = "x-attempt";
pub const ERROR_HEADER: &str = "x-last-error";
pub const QUEUE_HEADER: &str = "x-original-queue";

/// The JSON every event travels in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    pub version: u32,
    pub source: String,
    pub occurred_at: DateTime<Utc>,
    /// The business flow this event belongs to; kept across every hop.
    pub correlation_id: Uuid,
    /// The event or request that caused this one.
    #[serde(default)]
    pub causation_id: Option<Uuid>,
    /// Employee id or `service:<name>`.
    pub actor: String,
    pub data: serde_json::Value,
    /// Trace context of the delivery (from the AMQP headers), not part of the JSON.
    #[serde(skip)]
    pub traceparent: Option<String>,
}

impl Envelope {
    /// Decodes `data` into the event type the handler expects.
    pub fn decode<E: Event>(&self) -> Result<E, HandlerError> {
        serde_json::from_value(self.data.clone()).map_err(|e| {
            HandlerError::Poison(format!(
                "{} payload does not match v{}: {e}",
                self.event_type,
                E::VERSION
            ))
        })
    }
}

/// Who and what caused an event: filled from the HTTP request or the event being handled.
#[derive(Debug, Clone)]
pub struct EventMeta {
    pub source: String,
    pub actor: String,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub traceparent: Option<String>,
}

impl EventMeta {
    /// A new flow started by `actor` in `source`, in the current trace (call it on the async
    /// side: the trace context does not cross into blocking threads).
    pub fn new(source: &str, actor: impl Into<String>) -> Self {
        Self {
            source: source.to_owned(),
            actor: actor.into(),
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            traceparent: erp_telemetry::current().map(|c| c.child().to_header()),
        }
    }

    /// An event caused by handling `cause`: same flow, same trace.
    pub fn caused_by(source: &str, cause: &Envelope) -> Self {
        Self {
            source: source.to_owned(),
            actor: format!("service:{source}"),
            correlation_id: cause.correlation_id,
            causation_id: Some(cause.id),
            traceparent: cause.traceparent.clone(),
        }
    }

    /// The same change, continuing the flow of the document it acts on: its correlation, and
    /// the event that asked for the document as the cause unless an event causes this one.
    pub fn in_flow(&self, correlation_id: Uuid, causation_id: Option<Uuid>) -> Self {
        Self {
            correlation_id,
            causation_id: self.causation_id.or(causation_id),
            ..self.clone()
        }
    }
}

/// Whether the broker loops are connected right now, for `/readyz`.
#[derive(Debug, Default)]
pub struct BusHealth {
    relay: AtomicBool,
    consumer: AtomicBool,
    consumer_needed: AtomicBool,
}

impl BusHealth {
    pub fn set_relay(&self, up: bool) {
        self.relay.store(up, Ordering::Relaxed);
    }
    pub fn set_consumer(&self, up: bool) {
        self.consumer.store(up, Ordering::Relaxed);
    }
    pub fn broker_reachable(&self) -> bool {
        self.relay.load(Ordering::Relaxed)
            && (!self.consumer_needed.load(Ordering::Relaxed) || self.consumer.load(Ordering::Relaxed))
    }
}

/// What the relay and the consumer need to know.
#[derive(Debug, Clone)]
pub struct BusSettings {
    pub service: String,
    pub amqp_url: String,
    pub exchange: String,
    pub queue: String,
    pub prefetch: u16,
    pub retry_delays: Vec<Duration>,
    pub relay_poll: Duration,
    /// Quorum queues where the broker supports them; classic for throw-away test queues.
    pub quorum: bool,
    /// For the relay's LISTEN connection; without it the relay only polls.
    pub database_url: Option<String>,
}

impl BusSettings {
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.retry_delays.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }
}

/// Handles of the running loops.
pub struct Bus {
    pub settings: BusSettings,
    pub health: Arc<BusHealth>,
    pub metrics: BusMetrics,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl Bus {
    /// Starts the outbox relay and, when there are subscriptions, the consumer.
    pub fn start(settings: BusSettings, pool: erp_db::Pool, subscriptions: Subscriptions, metrics: BusMetrics) -> Self {
        let health = Arc::new(BusHealth::default());
        let (shutdown, rx) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::new();
        let relay = relay::Relay::new(settings.clone(), pool.clone(), health.clone(), metrics.clone());
        tasks.push(tokio::spawn(relay.run(rx.clone())));
        if !subscriptions.is_empty() {
            health.consumer_needed.store(true, Ordering::Relaxed);
            let consumer = Consumer::new(settings.clone(), pool, subscriptions, health.clone(), metrics.clone());
            tasks.push(tokio::spawn(consumer.run(rx)));
        }
        Bus {
            settings,
            health,
            metrics,
            tasks,
            shutdown,
        }
    }

    /// Tells the loops to stop, without waiting (for code that cannot await, e.g. `Drop`).
    pub fn signal_stop(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Stops the loops and waits for them (a message being handled finishes first).
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
        }
    }
}

/// How long one broker operation (connecting and declaring, a publish and its confirm, an ack)
/// may take before the connection counts as lost. lapin can leave an operation pending forever
/// when the connection fails just as the operation is queued, and a loop waiting on it would
/// never reconnect; so every wait on the broker is bounded.
pub(crate) const BROKER_TIMEOUT: Duration = Duration::from_secs(15);

/// The error a loop reconnects on.
pub(crate) fn connection_lost() -> lapin::Error {
    lapin::Error::from(lapin::ErrorKind::InvalidConnectionState(lapin::ConnectionState::Closed))
}

/// `operation`'s result, or [`connection_lost`] when the broker has not answered within
/// [`BROKER_TIMEOUT`].
pub(crate) async fn bounded<T>(
    name: &'static str,
    operation: impl Future<Output = lapin::Result<T>>,
) -> lapin::Result<T> {
    match tokio::time::timeout(BROKER_TIMEOUT, operation).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(
                operation = name,
                "the broker did not answer in time; the connection counts as lost"
            );
            Err(connection_lost())
        }
    }
}

/// Growing pause between reconnect attempts, capped.
pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((100u64 << attempt.min(6)).min(5_000))
}

/// Sleeps unless shut down first; true when shutting down.
pub(crate) async fn sleep_or_shutdown(d: Duration, rx: &mut tokio::sync::watch::Receiver<bool>) -> bool {
    if *rx.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *rx.borrow(),
        _ = rx.changed() => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_json_has_the_documented_fields() {
        let env = Envelope {
            id: Uuid::now_v7(),
            event_type: "hr.employee.changed".into(),
            version: 1,
            source: "hr".into(),
            occurred_at: Utc::now(),
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            actor: "service:hr".into(),
            data: serde_json::json!({"a": 1}),
            traceparent: Some("x".into()),
        };
        let v = serde_json::to_value(&env).unwrap();
        for f in [
            "id",
            "type",
            "version",
            "source",
            "occurred_at",
            "correlation_id",
            "causation_id",
            "actor",
            "data",
        ] {
            assert!(v.get(f).is_some(), "{f}");
        }
        assert!(v.get("traceparent").is_none());
        let back: Envelope = serde_json::from_value(v).unwrap();
        assert_eq!(back.id, env.id);
    }

    #[test]
    fn envelope_tolerates_unknown_fields() {
        let json = serde_json::json!({
            "id": Uuid::now_v7(), "type": "t", "version": 1, "source": "s",
            "occurred_at": "2026-01-01T00:00:00Z", "correlation_id": Uuid::now_v7(),
            "actor": "a", "data": {}, "something_new": true
        });
        assert!(serde_json::from_value::<Envelope>(json).is_ok());
    }

    #[test]
    fn backoff_grows_and_caps() {
        assert!(backoff(0) < backoff(3));
        assert_eq!(backoff(30), Duration::from_millis(5_000));
    }
}
