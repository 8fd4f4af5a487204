//! Publishes outbox rows with publisher confirms; a row is marked sent only after the broker's
//! ack. Polls briefly when idle and drains without pause while there is work.

use crate::outbox::{self, ClaimedRow};
use crate::{
    BROKER_TIMEOUT, BusHealth, BusMetrics, BusSettings, backoff, bounded, connection_lost, sleep_or_shutdown, topology,
};
use erp_problem::AppError;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use uuid::Uuid;

const BATCH: i64 = 500;
/// A claimed row whose relay died comes back after this long.
const LEASE_SECS: i32 = 30;

pub struct Relay {
    settings: BusSettings,
    pool: erp_db::Pool,
    health: Arc<BusHealth>,
    metrics: BusMetrics,
}

#[derive(Debug)]
enum RelayError {
    Broker(lapin::Error),
    Db(AppError),
}

impl Relay {
    pub fn new(settings: BusSettings, pool: erp_db::Pool, health: Arc<BusHealth>, metrics: BusMetrics) -> Self {
        Self {
            settings,
            pool,
            health,
            metrics,
        }
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let wake = Arc::new(tokio::sync::Notify::new());
        listen_for_commits(
            self.settings.clone(),
            self.database_url(),
            wake.clone(),
            shutdown.clone(),
        );
        let mut failures = 0u32;
        let mut last_purge = Instant::now();
        loop {
            let session = bounded("relay set-up", async {
                let conn = topology::connect(&self.settings, "relay").await?;
                let ch = conn.create_channel().await?;
                ch.confirm_select(ConfirmSelectOptions::default()).await?;
                topology::declare_exchange(&ch, &self.settings.exchange).await?;
                Ok::<_, lapin::Error>((conn, ch))
            })
            .await;
            let (conn, ch) = match session {
                Ok(s) => s,
                Err(e) => {
                    self.health.set_relay(false);
                    tracing::warn!(error = %e, "relay cannot reach the broker; retrying");
                    failures += 1;
                    if sleep_or_shutdown(backoff(failures), &mut shutdown).await {
                        return;
                    }
                    continue;
                }
            };
            self.health.set_relay(true);
            tracing::info!("relay connected");
            failures = 0;
            loop {
                // An idle relay notices a dead connection here rather than on its next publish,
                // so readiness tells the truth.
                if !conn.status().connected() {
                    self.health.set_relay(false);
                    tracing::warn!("relay lost the broker; reconnecting");
                    break;
                }
                match self.publish_batch(&ch).await {
                    Ok(n) if n as i64 == BATCH => continue,
                    Ok(_) => {
                        if last_purge.elapsed() > Duration::from_secs(3600) {
                            last_purge = Instant::now();
                            let _ = erp_db::with_conn(&self.pool, outbox::purge_sent).await;
                        }
                        tokio::select! {
                            _ = wake.notified() => {}
                            stop = sleep_or_shutdown(self.settings.relay_poll, &mut shutdown) => {
                                if stop {
                                    let _ = conn.close(200, "shutdown".into()).await;
                                    return;
                                }
                            }
                        }
                    }
                    Err(RelayError::Db(e)) => {
                        tracing::warn!(error = %e, "relay cannot reach the database");
                        if sleep_or_shutdown(Duration::from_secs(1), &mut shutdown).await {
                            return;
                        }
                    }
                    Err(RelayError::Broker(e)) => {
                        self.health.set_relay(false);
                        tracing::warn!(error = %e, "relay lost the broker; reconnecting");
                        break;
                    }
                }
            }
            let _ = conn.close(200, "reconnect".into()).await;
            if sleep_or_shutdown(backoff(0), &mut shutdown).await {
                return;
            }
        }
    }

    fn database_url(&self) -> Option<String> {
        self.settings.database_url.clone()
    }

    /// Claims a batch, publishes it, waits for every confirm; returns how many were claimed.
    async fn publish_batch(&self, ch: &Channel) -> Result<usize, RelayError> {
        let rows = erp_db::with_conn(&self.pool, |c| outbox::claim(c, BATCH, LEASE_SECS))
            .await
            .map_err(RelayError::Db)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let claimed = rows.len();
        let mut acked: Vec<Uuid> = Vec::with_capacity(claimed);
        let mut nacked: Vec<Uuid> = Vec::new();
        let mut broker_error = None;
        let mut pending = Vec::with_capacity(claimed);
        for row in &rows {
            match bounded("publish", publish(ch, &self.settings.exchange, row)).await {
                Ok(confirm) => pending.push((row, confirm)),
                Err(e) => {
                    broker_error = Some(e);
                    break;
                }
            }
        }
        // One deadline for the whole batch: after a lost connection, each confirm could
        // otherwise wait its own full timeout.
        let deadline = tokio::time::Instant::now() + BROKER_TIMEOUT;
        for (row, confirm) in pending {
            let confirm = match tokio::time::timeout_at(deadline, confirm).await {
                Ok(c) => c,
                Err(_) => {
                    tracing::warn!("the broker did not confirm in time; the connection counts as lost");
                    Err(connection_lost())
                }
            };
            match confirm {
                Ok(c) if c.is_ack() => {
                    self.metrics
                        .published
                        .with_label_values(&[row.event_type.as_str()])
                        .inc();
                    acked.push(row.id);
                }
                Ok(_) => nacked.push(row.id),
                Err(e) => {
                    broker_error.get_or_insert(e);
                }
            }
        }
        // Everything neither acked nor nacked goes back too: it may or may not have arrived, and
        // consumers' inboxes make a second delivery harmless.
        let unconfirmed: Vec<Uuid> = rows.iter().map(|r| r.id).filter(|id| !acked.contains(id)).collect();
        self.metrics.publish_failed.inc_by(unconfirmed.len() as u64);
        let reason = match &broker_error {
            Some(e) => format!("broker: {e}"),
            None if !nacked.is_empty() => "broker refused (nack)".to_owned(),
            None => String::new(),
        };
        erp_db::with_conn(&self.pool, move |c| {
            outbox::mark_sent(c, &acked)?;
            outbox::release(c, &unconfirmed, &reason)
        })
        .await
        .map_err(RelayError::Db)?;
        match broker_error {
            Some(e) => Err(RelayError::Broker(e)),
            None => Ok(claimed),
        }
    }
}

async fn publish(ch: &Channel, exchange: &str, row: &ClaimedRow) -> lapin::Result<lapin::PublisherConfirm> {
    let payload = serde_json::to_vec(&row.envelope).unwrap_or_default();
    let mut headers = FieldTable::default();
    if let Some(tp) = &row.traceparent {
        erp_telemetry::inject_amqp(&mut headers, tp);
    }
    let mut props = BasicProperties::default()
        .with_message_id(row.id.to_string().into())
        .with_type(row.event_type.as_str().into())
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_timestamp(u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0))
        .with_headers(headers);
    // The flow's correlation travels as the AMQP property too, for tools that read only that.
    if let Some(c) = row.envelope["correlation_id"].as_str() {
        props = props.with_correlation_id(c.into());
    }
    ch.basic_publish(
        exchange.into(),
        row.event_type.as_str().into(),
        BasicPublishOptions::default(),
        &payload,
        props,
    )
    .await
}

/// A thread that LISTENs for `bus_outbox` notifications (sent by `enqueue` at commit) and wakes
/// the relay, so an event leaves within milliseconds of its commit; the relay's short poll stays
/// as the fallback (and covers rows left by another instance).
fn listen_for_commits(
    settings: BusSettings,
    url: Option<String>,
    wake: Arc<tokio::sync::Notify>,
    shutdown: watch::Receiver<bool>,
) {
    use diesel::Connection as _;
    use diesel::connection::SimpleConnection as _;
    let Some(url) = url else { return };
    let spawned = std::thread::Builder::new()
        .name(format!("{}-outbox-listen", settings.service))
        .spawn(move || {
            while !*shutdown.borrow() {
                let mut conn = match diesel::PgConnection::establish(&url) {
                    Ok(c) => c,
                    Err(_) => {
                        std::thread::sleep(Duration::from_secs(1));
                        continue;
                    }
                };
                if conn.batch_execute("LISTEN bus_outbox").is_err() {
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
                'listening: while !*shutdown.borrow() {
                    let mut woke = false;
                    for n in conn.notifications_iter() {
                        match n {
                            Ok(_) => woke = true,
                            Err(_) => break 'listening,
                        }
                    }
                    if woke {
                        wake.notify_one();
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "outbox listener not started; the relay polls only");
    }
}
