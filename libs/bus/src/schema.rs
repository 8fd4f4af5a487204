diesel::table! {
    bus_outbox (id) {
        id -> Uuid,
        seq -> Int8,
        event_type -> Text,
        envelope -> Jsonb,
        traceparent -> Nullable<Text>,
        created_at -> Timestamptz,
        claimed_until -> Nullable<Timestamptz>,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    bus_inbox (event_id) {
        event_id -> Uuid,
        event_type -> Text,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    bus_dead_letters (id) {
        id -> Uuid,
        message_id -> Text,
        event_id -> Nullable<Uuid>,
        event_type -> Nullable<Text>,
        queue -> Text,
        body -> Text,
        error -> Text,
        attempts -> Int4,
        parked_at -> Timestamptz,
        replayed_at -> Nullable<Timestamptz>,
        replay_count -> Int4,
    }
}

diesel::table! {
    document_flows (document_type, document_id) {
        document_type -> Text,
        document_id -> Uuid,
        correlation_id -> Uuid,
        causation_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}
