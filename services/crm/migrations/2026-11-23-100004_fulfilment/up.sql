-- Order to cash after approval (DOMAIN.md §1): the payment plan, money received (confirmed by
-- finance), outbound requests to the warehouse and what the warehouse issued, and shipments
-- with the customer's signed delivery note.

-- Instalments of an order's payment plan; replaced as a whole, amounts sum to the order total.
CREATE TABLE payment_plan_instalments (
    order_id   UUID NOT NULL REFERENCES sales_orders (id),
    seq        INTEGER NOT NULL CHECK (seq > 0),
    due_date   DATE NOT NULL,
    amount     NUMERIC(18, 2) NOT NULL CHECK (amount > 0),
    note       TEXT,
    set_by     TEXT NOT NULL,
    set_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE receipts (
    id               UUID PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    order_id         UUID NOT NULL REFERENCES sales_orders (id),
    order_number     TEXT NOT NULL,
    customer_id      UUID NOT NULL,
    currency         TEXT NOT NULL,
    amount           NUMERIC(18, 2) NOT NULL CHECK (amount > 0),
    received_on      DATE NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'cheque', 'other')),
    reference        TEXT,
    status           TEXT NOT NULL CHECK (status IN ('recorded', 'confirmed', 'rejected')),
    recorded_by      TEXT NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_by       TEXT,
    decided_at       TIMESTAMPTZ,
    decision_comment TEXT
);
CREATE INDEX receipts_order ON receipts (order_id, received_on);
CREATE INDEX receipts_status ON receipts (status, id);

CREATE TABLE outbound_requests (
    id           UUID PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    order_id     UUID NOT NULL REFERENCES sales_orders (id),
    warehouse_id UUID,
    -- As the warehouse last reported: open, partially_issued, issued, cancelled.
    status       TEXT NOT NULL CHECK (status IN ('open', 'partially_issued', 'issued', 'cancelled')),
    note_number  TEXT,
    requested_by TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outbound_requests_order ON outbound_requests (order_id);

CREATE TABLE outbound_request_lines (
    id            UUID PRIMARY KEY,
    request_id    UUID NOT NULL REFERENCES outbound_requests (id),
    order_line_id UUID NOT NULL REFERENCES sales_order_lines (id),
    item_id       UUID NOT NULL,
    quantity      NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    issued        NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (issued >= 0),
    -- Closed by the warehouse without being issued (requestable again on the order).
    cancelled     NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
    -- Cost of what was issued, at the warehouse's moving average.
    issued_cost   NUMERIC(20, 4) NOT NULL DEFAULT 0 CHECK (issued_cost >= 0),
    CHECK (issued + cancelled <= quantity)
);
CREATE INDEX outbound_request_lines_request ON outbound_request_lines (request_id);

CREATE TABLE shipments (
    id                       UUID PRIMARY KEY,
    number                   TEXT NOT NULL UNIQUE,
    order_id                 UUID NOT NULL REFERENCES sales_orders (id),
    carrier                  TEXT NOT NULL,
    tracking_number          TEXT,
    status                   TEXT NOT NULL CHECK (status IN ('shipped', 'delivered')),
    shipped_by               TEXT NOT NULL,
    shipped_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at             TIMESTAMPTZ,
    signed_delivery_note_ref TEXT,
    delivered_by             TEXT,
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX shipments_order ON shipments (order_id);

CREATE TABLE shipment_lines (
    id            UUID PRIMARY KEY,
    shipment_id   UUID NOT NULL REFERENCES shipments (id),
    order_line_id UUID NOT NULL REFERENCES sales_order_lines (id),
    item_id       UUID NOT NULL,
    quantity      NUMERIC(18, 4) NOT NULL CHECK (quantity > 0)
);
CREATE INDEX shipment_lines_shipment ON shipment_lines (shipment_id);
