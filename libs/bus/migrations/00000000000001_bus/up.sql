-- Transactional outbox: rows commit with the state change; the relay publishes them.
CREATE TABLE bus_outbox (
    id            UUID PRIMARY KEY,
    seq           BIGSERIAL NOT NULL,
    event_type    TEXT NOT NULL,
    envelope      JSONB NOT NULL,
    traceparent   TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_until TIMESTAMPTZ,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    sent_at       TIMESTAMPTZ
);
CREATE INDEX bus_outbox_pending ON bus_outbox (seq) WHERE sent_at IS NULL;

-- Idempotent consumer: one row per event applied, written in the handler's transaction.
CREATE TABLE bus_inbox (
    event_id    UUID PRIMARY KEY,
    event_type  TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Messages that failed every attempt, moved here from the dead-letter queue for listing and replay.
CREATE TABLE bus_dead_letters (
    id           UUID PRIMARY KEY,
    message_id   TEXT NOT NULL UNIQUE,
    event_id     UUID,
    event_type   TEXT,
    queue        TEXT NOT NULL,
    body         TEXT NOT NULL,
    error        TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    parked_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    replayed_at  TIMESTAMPTZ,
    replay_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bus_dead_letters_parked ON bus_dead_letters (parked_at DESC);
