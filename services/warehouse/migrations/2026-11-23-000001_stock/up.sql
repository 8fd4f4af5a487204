CREATE TABLE items (
    id            UUID PRIMARY KEY,
    sku           TEXT NOT NULL,
    name          TEXT NOT NULL,
    specification TEXT,
    unit          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('product', 'material', 'part')),
    category      TEXT,
    min_stock     NUMERIC(18, 4) CHECK (min_stock >= 0),
    max_stock     NUMERIC(18, 4) CHECK (max_stock >= 0),
    standard_cost NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (standard_cost >= 0),
    active        BOOLEAN NOT NULL DEFAULT true,
    -- sku, name and specification folded for search (lower case, no diacritics)
    search_text   TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (min_stock IS NULL OR max_stock IS NULL OR min_stock <= max_stock)
);
CREATE UNIQUE INDEX items_sku_key ON items (lower(sku));

CREATE TABLE warehouses (
    id         UUID PRIMARY KEY,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    address    TEXT,
    is_default BOOLEAN NOT NULL DEFAULT false,
    active     BOOLEAN NOT NULL DEFAULT true,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX warehouses_code_key ON warehouses (lower(code));
CREATE UNIQUE INDEX warehouses_one_default ON warehouses (is_default) WHERE is_default;

-- Stock on hand per item and warehouse; never negative (the CHECKs are the last line of defence,
-- the conditional UPDATE in the code the first).
CREATE TABLE stock_balances (
    item_id          UUID NOT NULL REFERENCES items (id),
    warehouse_id     UUID NOT NULL REFERENCES warehouses (id),
    on_hand          NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved         NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    avg_cost         NUMERIC(18, 4) NOT NULL DEFAULT 0,
    last_movement_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, warehouse_id),
    CHECK (reserved <= on_hand)
);

-- The stock ledger: one row per movement, never changed.
CREATE TABLE stock_movements (
    id             UUID PRIMARY KEY,
    seq            BIGSERIAL NOT NULL,
    item_id        UUID NOT NULL REFERENCES items (id),
    warehouse_id   UUID NOT NULL REFERENCES warehouses (id),
    quantity       NUMERIC(18, 4) NOT NULL CHECK (quantity <> 0),
    kind           TEXT NOT NULL CHECK (kind IN ('purchase_receipt', 'sales_issue', 'material_issue',
                       'material_return', 'production_receipt', 'sales_return', 'adjustment',
                       'transfer', 'count')),
    source_kind    TEXT NOT NULL,
    source_id      UUID NOT NULL,
    source_number  TEXT,
    source_line_id UUID,
    unit_cost      NUMERIC(18, 4) NOT NULL,
    on_hand_after  NUMERIC(18, 4) NOT NULL,
    reason         TEXT,
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_item ON stock_movements (item_id, warehouse_id, seq);
CREATE INDEX stock_movements_source ON stock_movements (source_kind, source_id);

CREATE FUNCTION stock_movements_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the stock ledger is immutable: correct with a new movement';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_immutable();

CREATE TABLE outbound_notes (
    id            UUID PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    source_kind   TEXT NOT NULL,
    source_id     UUID NOT NULL,
    source_number TEXT,
    warehouse_id  UUID NOT NULL REFERENCES warehouses (id),
    status        TEXT NOT NULL CHECK (status IN ('open', 'partially_issued', 'issued', 'cancelled')),
    party         TEXT,
    note          TEXT,
    requested_by  TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (source_kind, source_id)
);
CREATE INDEX outbound_notes_status ON outbound_notes (status, id);

CREATE TABLE outbound_note_lines (
    id             UUID PRIMARY KEY,
    note_id        UUID NOT NULL REFERENCES outbound_notes (id),
    line_no        INTEGER NOT NULL,
    source_line_id UUID,
    item_id        UUID NOT NULL REFERENCES items (id),
    requested      NUMERIC(18, 4) NOT NULL CHECK (requested > 0),
    issued         NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (issued >= 0),
    cancelled      NUMERIC(18, 4) NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
    UNIQUE (note_id, line_no),
    CHECK (issued + cancelled <= requested)
);

CREATE TABLE inbound_notes (
    id            UUID PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('purchase', 'production', 'return')),
    source_kind   TEXT NOT NULL,
    source_id     UUID NOT NULL,
    source_number TEXT,
    warehouse_id  UUID NOT NULL REFERENCES warehouses (id),
    status        TEXT NOT NULL CHECK (status IN ('open', 'received', 'cancelled')),
    party         TEXT,
    note          TEXT,
    requested_by  TEXT NOT NULL,
    confirmed_by  TEXT,
    confirmed_at  TIMESTAMPTZ,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (source_kind, source_id)
);
CREATE INDEX inbound_notes_status ON inbound_notes (status, id);

CREATE TABLE inbound_note_lines (
    id             UUID PRIMARY KEY,
    note_id        UUID NOT NULL REFERENCES inbound_notes (id),
    line_no        INTEGER NOT NULL,
    source_line_id UUID,
    item_id        UUID NOT NULL REFERENCES items (id),
    expected       NUMERIC(18, 4) NOT NULL CHECK (expected > 0),
    received       NUMERIC(18, 4) CHECK (received >= 0),
    unit_cost      NUMERIC(18, 4) NOT NULL CHECK (unit_cost >= 0),
    discrepancy    TEXT,
    UNIQUE (note_id, line_no)
);

-- Transfers and adjustments are documents of their own; their effect is in the ledger.
CREATE TABLE stock_documents (
    id           UUID PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('transfer', 'adjustment')),
    warehouse_id UUID NOT NULL REFERENCES warehouses (id),
    to_warehouse_id UUID REFERENCES warehouses (id),
    reason       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE stock_counts (
    id           UUID PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    warehouse_id UUID NOT NULL REFERENCES warehouses (id),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'cancelled')),
    note         TEXT,
    created_by   TEXT NOT NULL,
    submitted_by TEXT,
    decided_by   TEXT,
    decided_at   TIMESTAMPTZ,
    decision_comment TEXT,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE stock_count_lines (
    id         UUID PRIMARY KEY,
    count_id   UUID NOT NULL REFERENCES stock_counts (id),
    item_id    UUID NOT NULL REFERENCES items (id),
    system_qty NUMERIC(18, 4) NOT NULL,
    counted    NUMERIC(18, 4) CHECK (counted >= 0),
    unit_cost  NUMERIC(18, 4) NOT NULL,
    UNIQUE (count_id, item_id)
);
