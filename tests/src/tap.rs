//! An integrator's view of the bus: a queue bound to every event of a system's exchange, read
//! back to follow one business flow by its `correlation_id` (docs/architecture.md, "One flow,
//! one correlation").
#![allow(clippy::unwrap_used, clippy::expect_used)] // test harness: a failed set-up should panic

use crate::process::amqp_url;
use crate::system::System;
use lapin::options::{BasicGetOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use serde_json::Value;
use std::collections::HashSet;

/// One event as the integrator received it.
#[derive(Debug, Clone)]
pub struct Tapped {
    pub envelope: Value,
    /// The AMQP `correlation_id` property of the message.
    pub property: Option<String>,
}

impl Tapped {
    pub fn event_type(&self) -> &str {
        self.envelope["type"].as_str().unwrap_or_default()
    }
    pub fn id(&self) -> &str {
        self.envelope["id"].as_str().unwrap_or_default()
    }
    pub fn correlation(&self) -> &str {
        self.envelope["correlation_id"].as_str().unwrap_or_default()
    }
    pub fn causation(&self) -> Option<&str> {
        self.envelope["causation_id"].as_str()
    }
    pub fn data(&self) -> &Value {
        &self.envelope["data"]
    }
}

/// A queue on the system's exchange that receives every event (`#`), deleted with its
/// connection.
pub struct EventTap {
    conn: lapin::Connection,
    channel: lapin::Channel,
    queue: String,
    seen: Vec<Tapped>,
}

impl EventTap {
    pub async fn open(sys: &System) -> Self {
        let conn = lapin::Connection::connect(&amqp_url(), Default::default())
            .await
            .expect("broker reachable");
        let channel = conn.create_channel().await.expect("channel");
        let queue = format!("{}.tap", sys.exchange);
        let options = QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        };
        channel
            .queue_declare(queue.as_str().into(), options, FieldTable::default())
            .await
            .expect("tap queue");
        channel
            .queue_bind(
                queue.as_str().into(),
                sys.exchange.as_str().into(),
                "#".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("tap bound");
        Self {
            conn,
            channel,
            queue,
            seen: Vec::new(),
        }
    }

    /// Everything received so far, in arrival order.
    pub async fn events(&mut self) -> &[Tapped] {
        let options = BasicGetOptions { no_ack: true };
        while let Some(m) = self
            .channel
            .basic_get(self.queue.as_str().into(), options)
            .await
            .expect("basic.get")
        {
            let envelope: Value = serde_json::from_slice(&m.delivery.data).expect("a JSON envelope");
            let property = m.delivery.properties.correlation_id().clone().map(|c| c.to_string());
            self.seen.push(Tapped { envelope, property });
        }
        &self.seen
    }

    /// Waits (up to `within`) until an event of `event_type` that satisfies `matches` arrived;
    /// returns it.
    pub async fn wait_for(
        &mut self,
        event_type: &str,
        within: std::time::Duration,
        matches: impl Fn(&Tapped) -> bool,
    ) -> Tapped {
        let deadline = std::time::Instant::now() + within;
        loop {
            let found = self
                .events()
                .await
                .iter()
                .find(|e| e.event_type() == event_type && matches(e))
                .cloned();
            if let Some(e) = found {
                return e;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no {event_type} within {within:?}; received: {:?}",
                self.seen.iter().map(Tapped::event_type).collect::<Vec<_>>()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    pub async fn close(self) {
        let _ = self
            .channel
            .queue_delete(self.queue.as_str().into(), Default::default())
            .await;
        let _ = self.conn.close(200, "tap closed".into()).await;
    }
}

/// The events of one flow, checked as an integrator relies on them: every event carries the
/// flow's correlation in the envelope and as the AMQP property, every cause an event names is
/// an event of the same flow published before it, and no event is there twice.
pub fn flow<'a>(events: &'a [Tapped], correlation: &str) -> Vec<&'a Tapped> {
    let flow: Vec<&Tapped> = events.iter().filter(|e| e.correlation() == correlation).collect();
    let mut earlier = HashSet::new();
    for e in &flow {
        assert_eq!(
            e.property.as_deref(),
            Some(correlation),
            "AMQP property of {}",
            e.envelope
        );
        assert!(
            earlier.insert(e.id()),
            "{} delivered twice to the integrator",
            e.envelope
        );
    }
    for e in &flow {
        if let Some(cause) = e.causation() {
            assert!(
                flow.iter().any(|c| c.id() == cause),
                "{} names a cause outside its flow",
                e.envelope
            );
        }
    }
    flow
}

/// The one event of `event_type` in `flow` whose data satisfies `matches`.
pub fn one<'a>(flow: &[&'a Tapped], event_type: &str, matches: impl Fn(&Value) -> bool) -> &'a Tapped {
    let found: Vec<&&Tapped> = flow
        .iter()
        .filter(|e| e.event_type() == event_type && matches(e.data()))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{event_type} in the flow: {:?}",
        flow.iter().map(|e| e.event_type()).collect::<Vec<_>>()
    );
    found[0]
}
