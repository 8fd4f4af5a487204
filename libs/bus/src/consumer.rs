//! The idempotent consumer: manual acks, bounded prefetch, the inbox row written in the
//! handler's transaction, retries through delay queues, then the dead-letter queue.

use crate::delivery::*;
use crate::handlers::*;
use crate::schema::bus_dead_letters;
use crate::topology::{self, dead_letter_queue, retry_queue};
use crate::{
    ATTEMPT_HEADER, BusHealth, BusMetrics, BusSettings, ERROR_HEADER, Envelope, QUEUE_HEADER, backoff, bounded,
    sleep_or_shutdown,
};
use diesel::prelude::*;
use erp_problem::AppError;
use erp_telemetry::TraceContext;
use futures_lite::StreamExt;
use lapin::Channel;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions, ConfirmSelectOptions};
use lapin::types::FieldTable;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tracing::Instrument;
use uuid::Uuid;

pub struct Consumer {
    settings: BusSettings,
    pool: erp_db::Pool,
    subs: Arc<Subscriptions>,
    health: Arc<BusHealth>,
    metrics: BusMetrics,
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
        if delivery.redelivered {
            self.metrics
                .redelivered
                .with_label_values(&[&envelope.event_type])
                .inc();
        }
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
