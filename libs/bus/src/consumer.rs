//! The idempotent consumer: manual acks, bounded prefetch, the inbox row written in the
//! handler's transaction, retries through delay queues, then the dead-letter queue.

use crate::schema::{bus_dead_letters, bus_inbox};
use crate::topology::{self, dead_letter_queue, retry_queue};
use crate::{
    ATTEMPT_HEADER, BusHealth, BusMetrics, BusSettings, ERROR_HEADER, Envelope, QUEUE_HEADER, backoff, bounded,
    connection_lost, sleep_or_shutdown,
};
use diesel::prelude::*;
use erp_contracts::Event;
use erp_problem::AppError;
use erp_telemetry::TraceContext;
use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions,
};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{BasicProperties, Channel};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tracing::Instrument;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The message can never succeed (not our envelope, payload of the wrong shape): parked at
    /// once, without retries.
    #[error("poison message: {0}")]
    Poison(String),
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for HandlerError {
    fn from(e: diesel::result::Error) -> Self {
        HandlerError::Failed(e.into())
    }
}

impl HandlerError {
    /// The database is down: wait and redeliver without counting an attempt.
    fn is_transient(&self) -> bool {
        match self {
            HandlerError::Failed(e) => e.to_problem().status == 503,
            HandlerError::Poison(_) => false,
        }
    }
}

type HandlerFn = dyn Fn(&mut PgConnection, &Envelope) -> Result<(), HandlerError> + Send + Sync;

/// Which event types this service handles, and how.
#[derive(Default, Clone)]
pub struct Subscriptions {
    handlers: HashMap<String, Arc<HandlerFn>>,
}

impl Subscriptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles event type `E`; runs inside the transaction that also records the inbox row.
    pub fn on<E, F>(self, handler: F) -> Self
    where
        E: Event + 'static,
        F: Fn(&mut PgConnection, &Envelope, E) -> Result<(), HandlerError> + Send + Sync + 'static,
    {
        self.on_envelope(E::TYPE, move |conn, env| {
            let event = env.decode::<E>()?;
            handler(conn, env, event)
        })
    }

    /// Handles an event type by its envelope alone.
    pub fn on_envelope<F>(mut self, event_type: &str, handler: F) -> Self
    where
        F: Fn(&mut PgConnection, &Envelope) -> Result<(), HandlerError> + Send + Sync + 'static,
    {
        self.handlers.insert(event_type.to_owned(), Arc::new(handler));
        self
    }

    pub fn routing_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.handlers.keys().cloned().collect();
        keys.sort();
        keys
    }

    pub fn is_empty(&self) -> bool {
        self.handlers.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Applied,
    Duplicate,
}

/// Records the event in the inbox and runs the handler, in one transaction.
fn apply(conn: &mut PgConnection, handler: &HandlerFn, env: &Envelope) -> Result<Outcome, HandlerError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = conn.transaction::<_, HandlerError, _>(|c| {
            let inserted = diesel::insert_into(bus_inbox::table)
                .values((
                    bus_inbox::event_id.eq(env.id),
                    bus_inbox::event_type.eq(&env.event_type),
                ))
                .on_conflict_do_nothing()
                .execute(c)?;
            if inserted == 0 {
                return Ok(Outcome::Duplicate);
            }
            handler(c, env)?;
            Ok(Outcome::Applied)
        });
        match result {
            Err(HandlerError::Failed(e)) if e.is_retryable() && attempt < 4 => {
                std::thread::sleep(Duration::from_millis(10 * attempt));
            }
            other => return other,
        }
    }
}

pub struct Consumer {
    settings: BusSettings,
    pool: erp_db::Pool,
    subs: Arc<Subscriptions>,
    health: Arc<BusHealth>,
    metrics: BusMetrics,
}

fn header<'a>(d: &'a Delivery, name: &str) -> Option<&'a AMQPValue> {
    d.properties.headers().as_ref()?.inner().get(name)
}

fn header_u32(d: &Delivery, name: &str) -> Option<u32> {
    match header(d, name)? {
        AMQPValue::LongUInt(v) => Some(*v),
        AMQPValue::LongInt(v) => u32::try_from(*v).ok(),
        AMQPValue::LongLongInt(v) => u32::try_from(*v).ok(),
        AMQPValue::ShortUInt(v) => Some(u32::from(*v)),
        AMQPValue::ShortInt(v) => u32::try_from(*v).ok(),
        _ => None,
    }
}

fn header_text(d: &Delivery, name: &str) -> Option<String> {
    match header(d, name)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// Reported when a consumer stream ends or the broker refused a message: reconnect.
fn broken() -> lapin::Error {
    connection_lost()
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Same body and properties, headers updated: what goes to a retry queue or the DLQ.
fn forward_properties(d: &Delivery, attempt: u32, error: &str, queue: &str) -> BasicProperties {
    let mut headers = d.properties.headers().clone().unwrap_or_default();
    headers.insert(ATTEMPT_HEADER.into(), AMQPValue::LongUInt(attempt));
    headers.insert(ERROR_HEADER.into(), AMQPValue::LongString(truncate(error, 1000).into()));
    headers.insert(QUEUE_HEADER.into(), AMQPValue::LongString(queue.into()));
    let message_id = d
        .properties
        .message_id()
        .clone()
        .unwrap_or_else(|| ShortString::from(Uuid::now_v7().to_string()));
    let mut props = BasicProperties::default()
        .with_message_id(message_id)
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_headers(headers);
    if let Some(t) = d.properties.kind() {
        props = props.with_type(t.clone());
    }
    props
}

/// Publishes to a queue through the default exchange and waits for the broker's confirm.
pub(crate) async fn publish_confirmed(
    ch: &Channel,
    queue: &str,
    body: &[u8],
    props: BasicProperties,
) -> lapin::Result<bool> {
    bounded("publish", async {
        let confirm = ch
            .basic_publish("".into(), queue.into(), BasicPublishOptions::default(), body, props)
            .await?
            .await?;
        Ok(confirm.is_ack())
    })
    .await
}

impl Consumer {
    pub fn new(
        settings: BusSettings,
        pool: erp_db::Pool,
        subs: Subscriptions,
        health: Arc<BusHealth>,
        metrics: BusMetrics,
    ) -> Self {
        Self {
            settings,
            pool,
            subs: Arc::new(subs),
            health,
            metrics,
        }
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut failures = 0u32;
        loop {
            match self.session(&mut shutdown).await {
                Ok(()) => return,
                Err(e) => {
                    self.health.set_consumer(false);
                    failures += 1;
                    tracing::warn!(error = %e, queue = %self.settings.queue, "consumer lost the broker; reconnecting");
                    if sleep_or_shutdown(backoff(failures.min(6)), &mut shutdown).await {
                        return;
                    }
                }
            }
        }
    }

    /// One connection's life: returns Ok on shutdown, Err when the broker went away.
    async fn session(&self, shutdown: &mut watch::Receiver<bool>) -> lapin::Result<()> {
        let set_up = async {
            let conn = topology::connect(&self.settings, "consumer").await?;
            let work_ch = conn.create_channel().await?;
            let dlq_ch = conn.create_channel().await?;
            let pub_ch = conn.create_channel().await?;
            pub_ch.confirm_select(ConfirmSelectOptions::default()).await?;
            topology::declare_consumer_queues(&work_ch, &self.settings, &self.subs.routing_keys()).await?;
            work_ch
                .basic_qos(self.settings.prefetch, BasicQosOptions::default())
                .await?;
            dlq_ch.basic_qos(16, BasicQosOptions::default()).await?;
            let work = work_ch
                .basic_consume(
                    self.settings.queue.as_str().into(),
                    format!("{}-work-{}", self.settings.service, Uuid::now_v7()).into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await?;
            let dlq_name = dead_letter_queue(&self.settings.queue);
            let dead = dlq_ch
                .basic_consume(
                    dlq_name.as_str().into(),
                    format!("{}-dlq-{}", self.settings.service, Uuid::now_v7()).into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await?;
            Ok((conn, [work_ch, dlq_ch], pub_ch, work, dead))
        };
        // The consume channels stay open as long as the session.
        let (conn, _channels, pub_ch, mut work, mut dead) = bounded("consumer set-up", set_up).await?;
        self.health.set_consumer(true);
        tracing::info!(queue = %self.settings.queue, keys = ?self.subs.routing_keys(), "consumer connected");
        // A connection that died without ending the consumer streams is noticed here.
        let mut alive = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                d = work.next() => match d {
                    Some(Ok(delivery)) => self.handle(&pub_ch, delivery, shutdown).await?,
                    Some(Err(e)) => return Err(e),
                    None => return Err(broken()),
                },
                d = dead.next() => match d {
                    Some(Ok(delivery)) => self.record_dead_letter(delivery, shutdown).await?,
                    Some(Err(e)) => return Err(e),
                    None => return Err(broken()),
                },
                _ = alive.tick() => {
                    if !conn.status().connected() {
                        return Err(broken());
                    }
                }
                _ = shutdown.changed() => {
                    let _ = conn.close(200, "shutdown".into()).await;
                    return Ok(());
                }
            }
        }
    }

    async fn handle(
        &self,
        pub_ch: &Channel,
        delivery: Delivery,
        shutdown: &mut watch::Receiver<bool>,
    ) -> lapin::Result<()> {
        let attempt = header_u32(&delivery, ATTEMPT_HEADER).unwrap_or(0).saturating_add(1);
        let trace = erp_telemetry::extract_amqp(delivery.properties.headers().as_ref())
            .map(|c| c.child())
            .unwrap_or_else(TraceContext::new_root);
        let mut envelope: Envelope = match serde_json::from_slice(&delivery.data) {
            Ok(e) => e,
            Err(e) => {
                let error = format!("not an event envelope: {e}");
                self.metrics.failed.with_label_values(&["unknown"]).inc();
                return self.park(pub_ch, delivery, attempt, &error).await;
            }
        };
        envelope.traceparent = Some(trace.to_header());
        let Some(handler) = self.subs.handlers.get(&envelope.event_type).cloned() else {
            tracing::warn!(event_type = %envelope.event_type, "no handler for this event type; dropped");
            bounded("ack", delivery.ack(BasicAckOptions::default())).await?;
            return Ok(());
        };
        let span = tracing::info_span!(
            "event",
            event_type = %envelope.event_type,
            event_id = %envelope.id,
            correlation_id = %envelope.correlation_id,
            trace_id = %trace.trace_id_hex(),
            attempt,
        );
        let env = envelope.clone();
        let result = erp_telemetry::in_context(
            trace,
            erp_db::with_conn(&self.pool, move |conn| Ok(apply(conn, handler.as_ref(), &env))),
        )
        .instrument(span.clone())
        .await;
        let result = match result {
            Ok(r) => r,
            Err(e) => Err(HandlerError::Failed(e)),
        };
        let event_type = envelope.event_type.as_str();
        match result {
            Ok(Outcome::Applied) => {
                self.metrics.consumed.with_label_values(&[event_type]).inc();
                bounded("ack", delivery.ack(BasicAckOptions::default())).await?;
            }
            Ok(Outcome::Duplicate) => {
                span.in_scope(|| tracing::info!("duplicate event skipped"));
                self.metrics.duplicates.with_label_values(&[event_type]).inc();
                bounded("ack", delivery.ack(BasicAckOptions::default())).await?;
            }
            Err(e) if e.is_transient() => {
                span.in_scope(|| tracing::warn!(error = %e, "database unavailable; message goes back to the queue"));
                sleep_or_shutdown(Duration::from_secs(1), shutdown).await;
                bounded(
                    "nack",
                    delivery.nack(BasicNackOptions {
                        requeue: true,
                        ..Default::default()
                    }),
                )
                .await?;
            }
            Err(e) => {
                self.metrics.failed.with_label_values(&[event_type]).inc();
                let error = e.to_string();
                let poison = matches!(e, HandlerError::Poison(_));
                if poison || attempt >= self.settings.max_attempts() {
                    span.in_scope(
                        || tracing::error!(error = %error, "handler failed for the last time; dead-lettered"),
                    );
                    return self.park(pub_ch, delivery, attempt, &error).await;
                }
                let n = usize::try_from(attempt - 1)
                    .unwrap_or(0)
                    .min(self.settings.retry_delays.len().saturating_sub(1));
                span.in_scope(|| tracing::warn!(error = %error, retry_queue = n, "handler failed; will retry"));
                let props = forward_properties(&delivery, attempt, &error, &self.settings.queue);
                let target = retry_queue(&self.settings.queue, n);
                if !publish_confirmed(pub_ch, &target, &delivery.data, props).await? {
                    // Not stored by the broker: leave the original unacked so it comes back.
                    return Err(broken());
                }
                bounded("ack", delivery.ack(BasicAckOptions::default())).await?;
            }
        }
        Ok(())
    }

    async fn park(&self, pub_ch: &Channel, delivery: Delivery, attempt: u32, error: &str) -> lapin::Result<()> {
        let props = forward_properties(&delivery, attempt, error, &self.settings.queue);
        let dlq = dead_letter_queue(&self.settings.queue);
        if !publish_confirmed(pub_ch, &dlq, &delivery.data, props).await? {
            return Err(broken());
        }
        self.metrics.dead_lettered.inc();
        bounded("ack", delivery.ack(BasicAckOptions::default())).await?;
        Ok(())
    }

    /// Moves a message from the dead-letter queue into the service's own table, where it can
    /// be listed and replayed.
    async fn record_dead_letter(&self, delivery: Delivery, shutdown: &mut watch::Receiver<bool>) -> lapin::Result<()> {
        let body = String::from_utf8_lossy(&delivery.data).into_owned();
        let envelope: Option<Envelope> = serde_json::from_slice(&delivery.data).ok();
        let message_id = delivery
            .properties
            .message_id()
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_else(|| Uuid::now_v7().to_string());
        let error = header_text(&delivery, ERROR_HEADER).unwrap_or_else(|| "unknown".into());
        let queue = header_text(&delivery, QUEUE_HEADER).unwrap_or_else(|| self.settings.queue.clone());
        let attempts = i32::try_from(header_u32(&delivery, ATTEMPT_HEADER).unwrap_or(0)).unwrap_or(i32::MAX);
        let result = erp_db::with_conn(&self.pool, move |c| {
            diesel::insert_into(bus_dead_letters::table)
                .values((
                    bus_dead_letters::id.eq(Uuid::now_v7()),
                    bus_dead_letters::message_id.eq(&message_id),
                    bus_dead_letters::event_id.eq(envelope.as_ref().map(|e| e.id)),
                    bus_dead_letters::event_type.eq(envelope.as_ref().map(|e| e.event_type.clone())),
                    bus_dead_letters::queue.eq(&queue),
                    bus_dead_letters::body.eq(&body),
                    bus_dead_letters::error.eq(&error),
                    bus_dead_letters::attempts.eq(attempts),
                ))
                .on_conflict(bus_dead_letters::message_id)
                .do_update()
                .set((
                    bus_dead_letters::error.eq(&error),
                    bus_dead_letters::attempts.eq(attempts),
                    bus_dead_letters::parked_at.eq(chrono::Utc::now()),
                    bus_dead_letters::replayed_at.eq(None::<chrono::DateTime<chrono::Utc>>),
                ))
                .execute(c)
                .map_err(AppError::from)
        })
        .await;
        match result {
            Ok(_) => bounded("ack", delivery.ack(BasicAckOptions::default()))
                .await
                .map(|_| ()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot record a dead letter yet; it stays in the queue");
                sleep_or_shutdown(Duration::from_secs(1), shutdown).await;
                bounded(
                    "nack",
                    delivery.nack(BasicNackOptions {
                        requeue: true,
                        ..Default::default()
                    }),
                )
                .await
                .map(|_| ())
            }
        }
    }
}
