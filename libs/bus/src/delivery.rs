//! Reading a delivery's headers and the properties a retried or parked copy carries.

use crate::{ATTEMPT_HEADER, ERROR_HEADER, QUEUE_HEADER, bounded, connection_lost};
use lapin::message::Delivery;
use lapin::options::BasicPublishOptions;
use lapin::types::{AMQPValue, ShortString};
use lapin::{BasicProperties, Channel};
use uuid::Uuid;

pub(crate) fn header<'a>(d: &'a Delivery, name: &str) -> Option<&'a AMQPValue> {
    d.properties.headers().as_ref()?.inner().get(name)
}

pub(crate) fn header_u32(d: &Delivery, name: &str) -> Option<u32> {
    match header(d, name)? {
        AMQPValue::LongUInt(v) => Some(*v),
        AMQPValue::LongInt(v) => u32::try_from(*v).ok(),
        AMQPValue::LongLongInt(v) => u32::try_from(*v).ok(),
        AMQPValue::ShortUInt(v) => Some(u32::from(*v)),
        AMQPValue::ShortInt(v) => u32::try_from(*v).ok(),
        _ => None,
    }
}

pub(crate) fn header_text(d: &Delivery, name: &str) -> Option<String> {
    match header(d, name)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// Reported when a consumer stream ends or the broker refused a message: reconnect.
pub(crate) fn broken() -> lapin::Error {
    connection_lost()
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Same body and properties, headers updated: what goes to a retry queue or the DLQ.
pub(crate) fn forward_properties(d: &Delivery, attempt: u32, error: &str, queue: &str) -> BasicProperties {
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
    if let Some(c) = d.properties.correlation_id() {
        props = props.with_correlation_id(c.clone());
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
