//! Exchange and queue names and declarations, the same for every service.
//!
//! Work queue `<q>` bound to the routing keys the service handles; retry queues `<q>.retry.<n>`
//! hold a failed message for their TTL and dead-letter it back to `<q>` (RabbitMQ 3.10 has no
//! delayed-message plugin); `<q>.dlq` receives what failed every attempt.

use crate::BusSettings;
use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{Channel, Connection, ConnectionProperties, ExchangeKind};

pub fn retry_queue(queue: &str, n: usize) -> String {
    format!("{queue}.retry.{n}")
}

pub fn dead_letter_queue(queue: &str) -> String {
    format!("{queue}.dlq")
}

pub async fn connect(settings: &BusSettings, role: &str) -> lapin::Result<Connection> {
    let props = ConnectionProperties::default().with_connection_name(format!("{}-{role}", settings.service).into());
    Connection::connect(&settings.amqp_url, props).await
}

pub async fn declare_exchange(ch: &Channel, exchange: &str) -> lapin::Result<()> {
    ch.exchange_declare(
        exchange.into(),
        ExchangeKind::Topic,
        ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        },
        FieldTable::default(),
    )
    .await
}

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..Default::default()
    }
}

/// Declares the work, retry and dead-letter queues and binds the work queue.
pub async fn declare_consumer_queues(ch: &Channel, s: &BusSettings, routing_keys: &[String]) -> lapin::Result<()> {
    declare_exchange(ch, &s.exchange).await?;
    let mut work_args = FieldTable::default();
    if s.quorum {
        work_args.insert("x-queue-type".into(), AMQPValue::LongString("quorum".into()));
    }
    ch.queue_declare(s.queue.as_str().into(), durable(), work_args).await?;
    for (n, delay) in s.retry_delays.iter().enumerate() {
        let mut args = FieldTable::default();
        let ttl = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
        args.insert("x-message-ttl".into(), AMQPValue::LongLongInt(ttl));
        args.insert("x-dead-letter-exchange".into(), AMQPValue::LongString("".into()));
        args.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(s.queue.as_str().into()),
        );
        ch.queue_declare(retry_queue(&s.queue, n).as_str().into(), durable(), args)
            .await?;
    }
    ch.queue_declare(
        dead_letter_queue(&s.queue).as_str().into(),
        durable(),
        FieldTable::default(),
    )
    .await?;
    for key in routing_keys {
        ch.queue_bind(
            s.queue.as_str().into(),
            s.exchange.as_str().into(),
            ShortString::from(key.as_str()),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    }
    Ok(())
}

/// Removes a service's queues (test clean-up).
pub async fn delete_consumer_queues(ch: &Channel, s: &BusSettings) -> lapin::Result<()> {
    let mut names = vec![s.queue.clone(), dead_letter_queue(&s.queue)];
    names.extend((0..s.retry_delays.len()).map(|n| retry_queue(&s.queue, n)));
    for name in names {
        ch.queue_delete(name.as_str().into(), QueueDeleteOptions::default())
            .await?;
    }
    Ok(())
}
