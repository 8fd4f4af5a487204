//! The raw RabbitMQ figure: persistent messages with publisher confirms through a durable
//! quorum queue (the kind every service consumes from), consumed and acked by hand. The queue
//! is the bench's own and is deleted at the end.

use crate::stats::Samples;
use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub struct RawRabbit {
    /// Publish → confirmed and delivered to the consumer, one message at a time.
    pub round_trip: Samples,
    /// Pipelined publishes (a window of unconfirmed messages) until all are consumed.
    pub msgs_per_sec: f64,
    pub throughput_messages: usize,
}

/// Round trips one at a time (after a warm-up), then a pipelined run for messages per second.
pub async fn measure(amqp_url: &str, queue: &str, samples: usize, throughput_messages: usize) -> Result<RawRabbit> {
    let conn = Connection::connect(
        amqp_url,
        ConnectionProperties::default().with_connection_name("erp-bench".into()),
    )
    .await
    .context("connecting to RabbitMQ")?;
    let publisher = conn.create_channel().await?;
    publisher.confirm_select(ConfirmSelectOptions::default()).await?;
    let consumer_ch = conn.create_channel().await?;
    let mut args = FieldTable::default();
    args.insert("x-queue-type".into(), AMQPValue::LongString("quorum".into()));
    publisher
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
            args,
        )
        .await
        .context("declaring the bench queue")?;
    let result = run(&publisher, &consumer_ch, queue, samples, throughput_messages).await;
    // Deleted whatever happened, so repeated runs leave nothing behind; the consumer's channel
    // goes first so no consumer is attached when the queue goes.
    let _ = consumer_ch.close(200, "bench done".into()).await;
    let deleted = publisher
        .queue_delete(queue.into(), QueueDeleteOptions::default())
        .await;
    let _ = conn.close(200, "bench done".into()).await;
    let r = result?;
    deleted.context("deleting the bench queue")?;
    Ok(r)
}

async fn run(
    publisher: &Channel,
    consumer_ch: &Channel,
    queue: &str,
    samples: usize,
    throughput_messages: usize,
) -> Result<RawRabbit> {
    consumer_ch.basic_qos(256, BasicQosOptions::default()).await?;
    let mut consumer = consumer_ch
        .basic_consume(
            queue.into(),
            "erp-bench".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    // The consumer reports each delivery's sequence number and arrival time.
    let (tx, mut rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let consuming = tokio::spawn(async move {
        while let Some(d) = consumer.next().await {
            let Ok(d) = d else { break };
            let at = Instant::now();
            let seq = d.data.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
            if d.ack(BasicAckOptions::default()).await.is_err() {
                break;
            }
            if let Some(seq) = seq
                && tx.send((seq, at)).is_err()
            {
                break;
            }
        }
    });
    let body = payload_template();
    let publish = |seq: u64| {
        let mut data = body.clone();
        data[..8].copy_from_slice(&seq.to_be_bytes());
        async move {
            publisher
                .basic_publish(
                    "".into(),
                    queue.into(),
                    BasicPublishOptions::default(),
                    &data,
                    BasicProperties::default()
                        .with_delivery_mode(2)
                        .with_content_type("application/json".into()),
                )
                .await
        }
    };

    let mut round_trip = Samples::default();
    let warm_up = 50u64;
    let mut seq = 0u64;
    for i in 0..(warm_up + samples as u64) {
        seq += 1;
        let t0 = Instant::now();
        let confirm = publish(seq).await?.await?;
        if !confirm.is_ack() {
            bail!("the broker did not ack message {seq}");
        }
        let confirmed = Instant::now();
        let delivered = next_delivery(&mut rx, seq).await?;
        if i >= warm_up {
            round_trip.push(confirmed.max(delivered) - t0);
        }
    }

    // Throughput: keep up to WINDOW messages unconfirmed, like a relay draining its outbox.
    const WINDOW: usize = 256;
    let first = seq + 1;
    let last = seq + throughput_messages as u64;
    let start = Instant::now();
    let mut pending = VecDeque::with_capacity(WINDOW);
    for s in first..=last {
        pending.push_back(publish(s).await?);
        if pending.len() >= WINDOW
            && let Some(c) = pending.pop_front()
        {
            c.await?;
        }
    }
    for c in pending {
        c.await?;
    }
    next_delivery(&mut rx, last).await?;
    let elapsed = start.elapsed();
    // Cancel and wait for the consumer's end before the queue is deleted: a consumer dropped
    // while its queue goes away confuses the channel (an unexpected cancel-ok).
    consumer_ch
        .basic_cancel("erp-bench".into(), BasicCancelOptions::default())
        .await?;
    let _ = tokio::time::timeout(Duration::from_secs(5), consuming).await;
    Ok(RawRabbit {
        round_trip,
        msgs_per_sec: throughput_messages as f64 / elapsed.as_secs_f64(),
        throughput_messages,
    })
}

/// Waits for the delivery of `seq` (earlier ones are skipped: a single queue keeps order).
async fn next_delivery(rx: &mut mpsc::UnboundedReceiver<(u64, Instant)>, seq: u64) -> Result<Instant> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some((s, at))) if s == seq => return Ok(at),
            Ok(Some(_)) => continue,
            Ok(None) => bail!("the bench consumer stopped"),
            Err(_) => bail!("message {seq} was not delivered within 30 s"),
        }
    }
}

/// About the size of an event envelope (~600 bytes); the first 8 bytes carry the sequence.
fn payload_template() -> Vec<u8> {
    let mut v = vec![0u8; 8];
    let envelope = serde_json::json!({
        "id": "01890000-0000-7000-8000-000000000000", "type": "crm.outbound.requested", "version": 1,
        "source": "crm", "occurred_at": "2026-11-23T08:00:00Z", "correlation_id": null,
        "causation_id": null, "actor": "00000000-0000-0000-0000-000000000000",
        "data": {"request_id": "01890000-0000-7000-8000-000000000001",
                 "order_id": "01890000-0000-7000-8000-000000000002", "order_number": "SO-2026-000001",
                 "customer_name": "Công ty CP Nước sạch Sông Đà", "warehouse_id": null,
                 "lines": [{"line_id": "01890000-0000-7000-8000-000000000003",
                            "order_line_id": "01890000-0000-7000-8000-000000000004",
                            "item_id": "01890000-0000-7000-8000-000000000005", "quantity": "1"}]}
    });
    v.extend(envelope.to_string().into_bytes());
    v
}
