CREATE TABLE suppliers (
    id            UUID PRIMARY KEY,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    tax_number    TEXT,
    address       TEXT,
    bank_name     TEXT,
    bank_account  TEXT,
    contacts      JSONB NOT NULL DEFAULT '[]',
    currency      TEXT NOT NULL,
    payment_terms TEXT NOT NULL,
    payment_days  INTEGER NOT NULL DEFAULT 0 CHECK (payment_days >= 0),
    -- 1 (poor) to 5 (excellent)
    rating        INTEGER CHECK (rating BETWEEN 1 AND 5),
    active        BOOLEAN NOT NULL DEFAULT true,
    search_text   TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX suppliers_code_key ON suppliers (lower(code));

CREATE TABLE purchase_requests (
    id                  UUID PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    -- manual, stock_shortage, production_shortage, technical_spec, project
    source              TEXT NOT NULL CHECK (source IN ('manual', 'stock_shortage', 'production_shortage', 'technical_spec', 'project')),
    -- What the request came from, unique so a redelivered shortage makes no second request.
    source_key          TEXT UNIQUE,
    source_ref          JSONB NOT NULL DEFAULT '{}',
    status              TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'ordered', 'rejected', 'cancelled')),
    requested_by        TEXT NOT NULL,
    requester_id        UUID,
    department_id       UUID,
    needed_by           DATE,
    note                TEXT,
    approval_request_id UUID,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE purchase_request_lines (
    id         UUID PRIMARY KEY,
    request_id UUID NOT NULL REFERENCES purchase_requests (id),
    line_no    INTEGER NOT NULL,
    item_id    UUID NOT NULL,
    quantity   NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    needed_by  DATE,
    note       TEXT,
    -- Put on purchase orders so far.
    ordered    NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (ordered >= 0),
    UNIQUE (request_id, line_no)
);

-- Supplier quotations collected for a request (seed 000 §5: at least three).
CREATE TABLE supplier_quotations (
    id              UUID PRIMARY KEY,
    request_id      UUID NOT NULL REFERENCES purchase_requests (id),
    supplier_id     UUID NOT NULL REFERENCES suppliers (id),
    reference       TEXT,
    quoted_on       DATE NOT NULL,
    valid_until     DATE,
    currency        TEXT NOT NULL,
    lead_time_days  INTEGER NOT NULL CHECK (lead_time_days >= 0),
    terms           TEXT,
    net             NUMERIC(18, 2) NOT NULL,
    tax             NUMERIC(18, 2) NOT NULL,
    total           NUMERIC(18, 2) NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (request_id, supplier_id)
);

CREATE TABLE supplier_quotation_lines (
    id               UUID PRIMARY KEY,
    quotation_id     UUID NOT NULL REFERENCES supplier_quotations (id),
    request_line_id  UUID NOT NULL REFERENCES purchase_request_lines (id),
    item_id          UUID NOT NULL,
    quantity         NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    unit_price       NUMERIC(18, 4) NOT NULL CHECK (unit_price >= 0),
    tax_rate         NUMERIC(5, 2) NOT NULL DEFAULT 0,
    net              NUMERIC(18, 2) NOT NULL,
    tax              NUMERIC(18, 2) NOT NULL,
    UNIQUE (quotation_id, request_line_id)
);

-- The comparison of a request's quotations and the supplier chosen, reviewed by project control.
CREATE TABLE quotation_selections (
    request_id          UUID PRIMARY KEY REFERENCES purchase_requests (id),
    chosen_quotation_id UUID NOT NULL REFERENCES supplier_quotations (id),
    -- Required when fewer than three quotations were collected; shown to the reviewer.
    fewer_quotes_reason TEXT,
    note                TEXT,
    status              TEXT NOT NULL CHECK (status IN ('pending_review', 'approved', 'rejected')),
    approval_request_id UUID,
    submitted_by        TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE purchase_orders (
    id                  UUID PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    supplier_id         UUID NOT NULL REFERENCES suppliers (id),
    request_id          UUID REFERENCES purchase_requests (id),
    quotation_id        UUID REFERENCES supplier_quotations (id),
    currency            TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'sent', 'partially_received',
                            'received', 'closed', 'cancelled', 'rejected')),
    order_date          DATE NOT NULL,
    expected_arrival    DATE,
    payment_terms       TEXT NOT NULL,
    payment_days        INTEGER NOT NULL DEFAULT 0,
    warehouse_id        UUID,
    note                TEXT,
    net                 NUMERIC(18, 2) NOT NULL DEFAULT 0,
    tax                 NUMERIC(18, 2) NOT NULL DEFAULT 0,
    total               NUMERIC(18, 2) NOT NULL DEFAULT 0,
    approval_request_id UUID,
    created_by          TEXT NOT NULL,
    buyer_id            UUID,
    department_id       UUID,
    reminded_at         TIMESTAMPTZ,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, status);

CREATE TABLE purchase_order_lines (
    id               UUID PRIMARY KEY,
    order_id         UUID NOT NULL REFERENCES purchase_orders (id),
    line_no          INTEGER NOT NULL,
    item_id          UUID NOT NULL,
    request_line_id  UUID REFERENCES purchase_request_lines (id),
    description      TEXT NOT NULL,
    unit             TEXT NOT NULL,
    quantity         NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    unit_price       NUMERIC(18, 4) NOT NULL CHECK (unit_price >= 0),
    tax_rate         NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
    net              NUMERIC(18, 2) NOT NULL,
    tax              NUMERIC(18, 2) NOT NULL,
    total            NUMERIC(18, 2) NOT NULL,
    expected_arrival DATE,
    -- Announced to the warehouse on arrival requests, confirmed by it, and invoiced.
    arrived          NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (arrived >= 0),
    received         NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (received >= 0),
    invoiced         NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (invoiced >= 0),
    UNIQUE (order_id, line_no)
);
