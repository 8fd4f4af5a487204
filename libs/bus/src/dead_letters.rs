//! Listing and replaying parked messages.

use crate::delivery::publish_confirmed;
use crate::schema::bus_dead_letters;
use crate::{ATTEMPT_HEADER, BusSettings, topology};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use erp_problem::AppError;
use lapin::BasicProperties;
use lapin::options::ConfirmSelectOptions;
use lapin::types::{AMQPValue, FieldTable};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = bus_dead_letters)]
pub struct DeadLetter {
    pub id: Uuid,
    pub message_id: String,
    pub event_id: Option<Uuid>,
    pub event_type: Option<String>,
    pub queue: String,
    /// The message as it arrived.
    pub body: String,
    /// The last handler error.
    pub error: String,
    pub attempts: i32,
    pub parked_at: DateTime<Utc>,
    pub replayed_at: Option<DateTime<Utc>>,
    pub replay_count: i32,
}

/// Parked messages, newest first; `pending_only` hides ones already replayed.
pub fn list(conn: &mut PgConnection, pending_only: bool, limit: i64) -> Result<Vec<DeadLetter>, AppError> {
    let mut q = bus_dead_letters::table
        .select(DeadLetter::as_select())
        .order(bus_dead_letters::parked_at.desc())
        .limit(limit)
        .into_boxed();
    if pending_only {
        q = q.filter(bus_dead_letters::replayed_at.is_null());
    }
    Ok(q.load(conn)?)
}

/// Sends a parked message back to the service's work queue with a fresh attempt count. The
/// inbox keeps a replay from applying an event that was, after all, applied already.
pub async fn replay(settings: &BusSettings, pool: &erp_db::Pool, id: Uuid) -> Result<DeadLetter, AppError> {
    let letter = erp_db::with_conn(pool, move |c| {
        bus_dead_letters::table
            .find(id)
            .select(DeadLetter::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("dead letter"))
    })
    .await?;
    let unavailable = |e: lapin::Error| AppError::Unavailable(format!("message broker: {e}"));
    let conn = topology::connect(settings, "replay").await.map_err(unavailable)?;
    let ch = conn.create_channel().await.map_err(unavailable)?;
    ch.confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(unavailable)?;
    let mut headers = FieldTable::default();
    headers.insert(ATTEMPT_HEADER.into(), AMQPValue::LongUInt(0));
    headers.insert(
        "x-replayed-from".into(),
        AMQPValue::LongString(letter.id.to_string().into()),
    );
    let mut props = BasicProperties::default()
        .with_message_id(letter.message_id.as_str().into())
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_headers(headers);
    if let Some(t) = &letter.event_type {
        props = props.with_type(t.as_str().into());
    }
    let correlation = serde_json::from_str::<serde_json::Value>(&letter.body)
        .ok()
        .and_then(|v| v["correlation_id"].as_str().map(str::to_owned));
    if let Some(c) = correlation {
        props = props.with_correlation_id(c.into());
    }
    let acked = publish_confirmed(&ch, &settings.queue, letter.body.as_bytes(), props)
        .await
        .map_err(unavailable)?;
    let _ = conn.close(200, "replayed".into()).await;
    if !acked {
        return Err(AppError::Unavailable("the broker did not accept the message".into()));
    }
    tracing::info!(dead_letter = %id, queue = %settings.queue, "dead letter replayed");
    erp_db::with_conn(pool, move |c| {
        Ok(diesel::update(bus_dead_letters::table.find(id))
            .set((
                bus_dead_letters::replayed_at.eq(Utc::now()),
                bus_dead_letters::replay_count.eq(bus_dead_letters::replay_count + 1),
            ))
            .returning(DeadLetter::as_returning())
            .get_result(c)?)
    })
    .await
}
