-- Settlement of purchase orders: payment requests, arrivals announced to the warehouse and
-- confirmed by it, supplier invoices matched three ways, and the tolerances of those checks.

-- One row: how far receipts and invoices may stray from the order before someone must look.
CREATE TABLE settlement_tolerances (
    id                     BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    -- More may arrive than ordered, up to this percentage of the ordered quantity.
    over_receipt_pct       NUMERIC(5, 2) NOT NULL DEFAULT 5 CHECK (over_receipt_pct BETWEEN 0 AND 100),
    -- An invoiced quantity may exceed what was received and not yet invoiced by this much.
    invoice_quantity_pct   NUMERIC(5, 2) NOT NULL DEFAULT 0 CHECK (invoice_quantity_pct BETWEEN 0 AND 100),
    -- An invoiced unit price may differ from the order's by this much, either way.
    invoice_price_pct      NUMERIC(5, 2) NOT NULL DEFAULT 1 CHECK (invoice_price_pct BETWEEN 0 AND 100),
    updated_by             TEXT,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO settlement_tolerances (id) VALUES (true);

CREATE TABLE payment_requests (
    id                UUID PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    order_id          UUID NOT NULL REFERENCES purchase_orders (id),
    order_number      TEXT NOT NULL,
    supplier_id       UUID NOT NULL REFERENCES suppliers (id),
    kind              TEXT NOT NULL CHECK (kind IN ('deposit', 'part', 'final')),
    currency          TEXT NOT NULL,
    amount            NUMERIC(18, 2) NOT NULL CHECK (amount > 0),
    due_date          DATE,
    note              TEXT,
    status            TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
    requested_by      TEXT NOT NULL,
    requested_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_by        TEXT,
    decided_at        TIMESTAMPTZ,
    decision_comment  TEXT,
    -- From finance.payment.made.
    paid_amount       NUMERIC(18, 2),
    paid_on           DATE,
    payment_reference TEXT,
    paid_at           TIMESTAMPTZ
);
CREATE INDEX payment_requests_order ON payment_requests (order_id);
CREATE INDEX payment_requests_status ON payment_requests (status, id);

-- What the purchaser saw arrive and asked the warehouse to count in (purchasing.inbound.requested).
CREATE TABLE arrivals (
    id            UUID PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    order_id      UUID NOT NULL REFERENCES purchase_orders (id),
    order_number  TEXT NOT NULL,
    warehouse_id  UUID,
    note          TEXT,
    -- requested: waiting for the warehouse keeper; confirmed: counted in.
    status        TEXT NOT NULL CHECK (status IN ('requested', 'confirmed')),
    requested_by  TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The warehouse's inbound note, from warehouse.inbound.confirmed.
    note_id       UUID,
    note_number   TEXT,
    confirmed_at  TIMESTAMPTZ
);
CREATE INDEX arrivals_order ON arrivals (order_id);

CREATE TABLE arrival_lines (
    id            UUID PRIMARY KEY,
    arrival_id    UUID NOT NULL REFERENCES arrivals (id),
    order_line_id UUID NOT NULL REFERENCES purchase_order_lines (id),
    item_id       UUID NOT NULL,
    -- Announced.
    quantity      NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    unit_cost     NUMERIC(18, 4) NOT NULL,
    -- Counted by the warehouse keeper, with the reason when it differs.
    received      NUMERIC(18, 4) CHECK (received >= 0),
    discrepancy   TEXT
);
CREATE INDEX arrival_lines_arrival ON arrival_lines (arrival_id);

CREATE TABLE supplier_invoices (
    id                UUID PRIMARY KEY,
    order_id          UUID NOT NULL REFERENCES purchase_orders (id),
    order_number      TEXT NOT NULL,
    supplier_id       UUID NOT NULL REFERENCES suppliers (id),
    -- The supplier's number, unique per supplier among invoices not rejected.
    invoice_number    TEXT NOT NULL,
    invoice_date      DATE NOT NULL,
    due_date          DATE,
    currency          TEXT NOT NULL,
    net               NUMERIC(18, 2) NOT NULL,
    tax               NUMERIC(18, 2) NOT NULL,
    total             NUMERIC(18, 2) NOT NULL,
    -- matched, or blocked until a purchasing manager accepts or rejects it.
    status            TEXT NOT NULL CHECK (status IN ('matched', 'blocked', 'accepted', 'rejected')),
    -- Why it was blocked: plain sentences naming the line and the difference.
    mismatches        JSONB NOT NULL DEFAULT '[]',
    recorded_by       TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_by        TEXT,
    decided_at        TIMESTAMPTZ,
    decision_comment  TEXT
);
CREATE UNIQUE INDEX supplier_invoices_number_key
    ON supplier_invoices (supplier_id, lower(invoice_number)) WHERE status <> 'rejected';
CREATE INDEX supplier_invoices_order ON supplier_invoices (order_id);
CREATE INDEX supplier_invoices_status ON supplier_invoices (status, id);

CREATE TABLE supplier_invoice_lines (
    id            UUID PRIMARY KEY,
    invoice_id    UUID NOT NULL REFERENCES supplier_invoices (id),
    line_no       INTEGER NOT NULL,
    order_line_id UUID NOT NULL REFERENCES purchase_order_lines (id),
    item_id       UUID NOT NULL,
    quantity      NUMERIC(18, 4) NOT NULL CHECK (quantity > 0),
    unit_price    NUMERIC(18, 4) NOT NULL CHECK (unit_price >= 0),
    tax_rate      NUMERIC(5, 2) NOT NULL CHECK (tax_rate BETWEEN 0 AND 100),
    net           NUMERIC(18, 2) NOT NULL,
    tax           NUMERIC(18, 2) NOT NULL,
    total         NUMERIC(18, 2) NOT NULL,
    -- What the line was matched against when the invoice came in.
    order_price   NUMERIC(18, 4) NOT NULL,
    open_quantity NUMERIC(18, 4) NOT NULL,
    UNIQUE (invoice_id, line_no)
);
