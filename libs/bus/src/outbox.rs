//! The transactional outbox: `enqueue` writes the event in the caller's transaction; the relay
//! claims pending rows (FOR UPDATE SKIP LOCKED, with a lease so a crashed relay's rows come
//! back) and marks them sent once the broker confirmed.

use crate::schema::bus_outbox;
use crate::{Envelope, EventMeta};
use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use erp_contracts::Event;
use erp_problem::AppError;
use uuid::Uuid;

/// Adds `event` to the outbox inside the caller's transaction; returns the event id.
pub fn enqueue<E: Event>(conn: &mut PgConnection, meta: &EventMeta, event: &E) -> Result<Uuid, AppError> {
    let data = serde_json::to_value(event).map_err(AppError::internal)?;
    enqueue_raw(conn, meta, E::TYPE, E::VERSION, data)
}

pub fn enqueue_raw(
    conn: &mut PgConnection,
    meta: &EventMeta,
    event_type: &str,
    version: u32,
    data: serde_json::Value,
) -> Result<Uuid, AppError> {
    let envelope = Envelope {
        id: Uuid::now_v7(),
        event_type: event_type.to_owned(),
        version,
        source: meta.source.clone(),
        occurred_at: Utc::now(),
        correlation_id: meta.correlation_id,
        causation_id: meta.causation_id,
        actor: meta.actor.clone(),
        data,
        traceparent: None,
    };
    let json = serde_json::to_value(&envelope).map_err(AppError::internal)?;
    diesel::insert_into(bus_outbox::table)
        .values((
            bus_outbox::id.eq(envelope.id),
            bus_outbox::event_type.eq(event_type),
            bus_outbox::envelope.eq(json),
            bus_outbox::traceparent.eq(&meta.traceparent),
        ))
        .execute(conn)?;
    // Delivered at commit: wakes the relays listening on it at once instead of at their next poll.
    diesel::sql_query("SELECT pg_notify('bus_outbox', '')").execute(conn)?;
    Ok(envelope.id)
}

#[derive(Debug, QueryableByName)]
pub struct ClaimedRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub event_type: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub envelope: serde_json::Value,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub traceparent: Option<String>,
}

/// Claims up to `limit` unsent rows for `lease_secs`, oldest first.
pub fn claim(conn: &mut PgConnection, limit: i64, lease_secs: i32) -> Result<Vec<ClaimedRow>, AppError> {
    let mut rows = diesel::sql_query(
        "UPDATE bus_outbox SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM bus_outbox \
                      WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < now()) \
                      ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, seq, event_type, envelope, traceparent",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Integer, _>(lease_secs)
    .load::<ClaimedRow>(conn)?;
    rows.sort_by_key(|r| r.seq);
    Ok(rows)
}

pub fn mark_sent(conn: &mut PgConnection, ids: &[Uuid]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(bus_outbox::table.filter(bus_outbox::id.eq_any(ids)))
        .set((
            bus_outbox::sent_at.eq(Utc::now()),
            bus_outbox::claimed_until.eq(None::<chrono::DateTime<Utc>>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives claimed rows back so the next round publishes them again.
pub fn release(conn: &mut PgConnection, ids: &[Uuid], error: &str) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(bus_outbox::table.filter(bus_outbox::id.eq_any(ids)))
        .set((
            bus_outbox::claimed_until.eq(None::<chrono::DateTime<Utc>>),
            bus_outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Events not yet confirmed by the broker.
pub fn backlog(conn: &mut PgConnection) -> Result<i64, AppError> {
    Ok(bus_outbox::table
        .filter(bus_outbox::sent_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Sent rows are kept a week for audit, then removed.
pub fn purge_sent(conn: &mut PgConnection) -> Result<usize, AppError> {
    Ok(diesel::sql_query("DELETE FROM bus_outbox WHERE sent_at < now() - interval '7 days'").execute(conn)?)
}
