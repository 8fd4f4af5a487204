-- Changes to an approved contract (seed 002): their own review record and approval, applied
-- to the order only when approved.
CREATE TABLE order_change_requests (
    id                  UUID PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    order_id            UUID NOT NULL REFERENCES sales_orders (id),
    reason              TEXT NOT NULL,
    proposed            JSONB NOT NULL,
    review              JSONB NOT NULL DEFAULT '[]',
    status              TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'rejected', 'cancelled')),
    net                 NUMERIC(18, 2) NOT NULL,
    tax                 NUMERIC(18, 2) NOT NULL,
    total               NUMERIC(18, 2) NOT NULL,
    below_floor         BOOLEAN NOT NULL DEFAULT false,
    margin_pct          NUMERIC(9, 2),
    approval_request_id UUID,
    created_by          TEXT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_change_requests_order ON order_change_requests (order_id);
