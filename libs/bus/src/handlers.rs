//! What a service consumes: its handlers by event type, and how one delivery is applied (the
//! inbox row and the handler's effect in one transaction).

use crate::Envelope;
use crate::schema::bus_inbox;
use diesel::prelude::*;
use erp_contracts::Event;
use erp_problem::AppError;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

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
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            HandlerError::Failed(e) => e.to_problem().status == 503,
            HandlerError::Poison(_) => false,
        }
    }
}

pub(crate) type HandlerFn = dyn Fn(&mut PgConnection, &Envelope) -> Result<(), HandlerError> + Send + Sync;

/// Which event types this service handles, and how.
#[derive(Default, Clone)]
pub struct Subscriptions {
    pub(crate) handlers: HashMap<String, Arc<HandlerFn>>,
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
pub(crate) enum Outcome {
    Applied,
    Duplicate,
}

/// Records the event in the inbox and runs the handler, in one transaction.
pub(crate) fn apply(conn: &mut PgConnection, handler: &HandlerFn, env: &Envelope) -> Result<Outcome, HandlerError> {
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
