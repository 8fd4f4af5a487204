use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// Event counters, labelled by event type where it helps an operator.
#[derive(Clone)]
pub struct BusMetrics {
    pub published: IntCounterVec,
    pub publish_failed: IntCounter,
    pub consumed: IntCounterVec,
    pub duplicates: IntCounterVec,
    pub redelivered: IntCounterVec,
    pub failed: IntCounterVec,
    pub dead_lettered: IntCounter,
}

impl BusMetrics {
    pub fn new(registry: &Registry) -> Result<Self, prometheus::Error> {
        let by_type = |name: &str, help: &str| IntCounterVec::new(Opts::new(name, help), &["type"]);
        let m = BusMetrics {
            published: by_type("events_published_total", "events published and confirmed by the broker")?,
            publish_failed: IntCounter::new(
                "events_publish_failed_total",
                "publish attempts not confirmed by the broker",
            )?,
            consumed: by_type("events_consumed_total", "events applied by this service's handlers")?,
            duplicates: by_type("events_duplicate_total", "redelivered events skipped by the inbox")?,
            redelivered: by_type(
                "events_redelivered_total",
                "deliveries the broker had given before (to a consumer that stopped without acknowledging, or a retry)",
            )?,
            failed: by_type("events_failed_total", "handler attempts that failed")?,
            dead_lettered: IntCounter::new("events_dead_lettered_total", "messages parked in the dead-letter queue")?,
        };
        registry.register(Box::new(m.published.clone()))?;
        registry.register(Box::new(m.publish_failed.clone()))?;
        registry.register(Box::new(m.consumed.clone()))?;
        registry.register(Box::new(m.duplicates.clone()))?;
        registry.register(Box::new(m.redelivered.clone()))?;
        registry.register(Box::new(m.failed.clone()))?;
        registry.register(Box::new(m.dead_lettered.clone()))?;
        Ok(m)
    }
}

impl std::fmt::Debug for BusMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BusMetrics")
    }
}
