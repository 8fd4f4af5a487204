CREATE TABLE quotations (
    id                  UUID PRIMARY KEY,
    number              TEXT NOT NULL,
    revision            INTEGER NOT NULL DEFAULT 1,
    previous_id         UUID REFERENCES quotations (id),
    customer_id         UUID NOT NULL REFERENCES customers (id),
    owner_id            UUID NOT NULL,
    department_id       UUID,
    currency            TEXT NOT NULL,
    valid_until         DATE NOT NULL,
    payment_terms       TEXT NOT NULL,
    payment_days        INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'sent', 'accepted',
                            'rejected', 'expired', 'cancelled')),
    notes               TEXT,
    net                 NUMERIC(18, 2) NOT NULL DEFAULT 0,
    tax                 NUMERIC(18, 2) NOT NULL DEFAULT 0,
    total               NUMERIC(18, 2) NOT NULL DEFAULT 0,
    margin_pct          NUMERIC(9, 2),
    below_floor         BOOLEAN NOT NULL DEFAULT false,
    approval_request_id UUID,
    created_by          TEXT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (number, revision)
);
CREATE INDEX quotations_owner ON quotations (owner_id);
CREATE INDEX quotations_customer ON quotations (customer_id);

CREATE TABLE quotation_lines (
    id           UUID PRIMARY KEY,
    quotation_id UUID NOT NULL REFERENCES quotations (id),
    line_no      INTEGER NOT NULL,
    item_id      UUID NOT NULL,
    description  TEXT NOT NULL,
    quantity     NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    unit         TEXT NOT NULL,
    unit_price   NUMERIC(18, 4) NOT NULL CHECK (unit_price >= 0),
    discount_pct NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (discount_pct BETWEEN 0 AND 100),
    tax_rate     NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
    net          NUMERIC(18, 2) NOT NULL,
    tax          NUMERIC(18, 2) NOT NULL,
    total        NUMERIC(18, 2) NOT NULL,
    floor_price  NUMERIC(18, 4),
    unit_cost    NUMERIC(18, 4),
    UNIQUE (quotation_id, line_no)
);

CREATE TABLE sales_orders (
    id                  UUID PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    quotation_id        UUID REFERENCES quotations (id),
    customer_id         UUID NOT NULL REFERENCES customers (id),
    owner_id            UUID NOT NULL,
    department_id       UUID,
    currency            TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'rejected',
                            'in_fulfilment', 'completed', 'cancelled')),
    order_date          DATE NOT NULL,
    payment_terms       TEXT NOT NULL,
    payment_days        INTEGER NOT NULL DEFAULT 0,
    -- The contract (seed 003 §5, seed 002): both parties as they were at signing.
    seller              JSONB NOT NULL,
    buyer               JSONB NOT NULL,
    terms               JSONB NOT NULL DEFAULT '{}',
    attachments         TEXT[] NOT NULL DEFAULT '{}',
    net                 NUMERIC(18, 2) NOT NULL DEFAULT 0,
    tax                 NUMERIC(18, 2) NOT NULL DEFAULT 0,
    total               NUMERIC(18, 2) NOT NULL DEFAULT 0,
    total_in_words      TEXT NOT NULL DEFAULT '',
    margin_pct          NUMERIC(9, 2),
    below_floor         BOOLEAN NOT NULL DEFAULT false,
    approval_request_id UUID,
    created_by          TEXT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sales_orders_owner ON sales_orders (owner_id);
CREATE INDEX sales_orders_customer ON sales_orders (customer_id, status);

CREATE TABLE sales_order_lines (
    id            UUID PRIMARY KEY,
    order_id      UUID NOT NULL REFERENCES sales_orders (id),
    line_no       INTEGER NOT NULL,
    item_id       UUID NOT NULL,
    description   TEXT NOT NULL,
    quantity      NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    unit          TEXT NOT NULL,
    unit_price    NUMERIC(18, 4) NOT NULL CHECK (unit_price >= 0),
    discount_pct  NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (discount_pct BETWEEN 0 AND 100),
    tax_rate      NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
    net           NUMERIC(18, 2) NOT NULL,
    tax           NUMERIC(18, 2) NOT NULL,
    total         NUMERIC(18, 2) NOT NULL,
    floor_price   NUMERIC(18, 4),
    unit_cost     NUMERIC(18, 4),
    delivery_date DATE,
    -- Progress, kept by the fulfilment steps.
    requested     NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (requested >= 0),
    issued        NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (issued >= 0),
    shipped       NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (shipped >= 0),
    invoiced      NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (invoiced >= 0),
    UNIQUE (order_id, line_no),
    CHECK (requested <= quantity),
    CHECK (shipped <= issued)
);

-- Seed 002 contract review, items A to I, one row per item.
CREATE TABLE contract_reviews (
    order_id    UUID NOT NULL REFERENCES sales_orders (id),
    item        TEXT NOT NULL CHECK (item IN ('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I')),
    result      TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'not_applicable')),
    note        TEXT,
    reviewed_by TEXT NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, item)
);
