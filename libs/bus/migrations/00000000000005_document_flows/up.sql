-- The business flow each document belongs to (docs/architecture.md, "One flow, one
-- correlation"): a document keeps the correlation of the flow that created it and, when an
-- event asked for it, that event's id; every event published about it later carries them.
CREATE TABLE document_flows (
    document_type  TEXT NOT NULL,
    document_id    UUID NOT NULL,
    correlation_id UUID NOT NULL,
    causation_id   UUID,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (document_type, document_id)
);
CREATE INDEX document_flows_correlation ON document_flows (correlation_id);
