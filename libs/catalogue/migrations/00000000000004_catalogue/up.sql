-- The item catalogue as a service other than warehouse knows it, kept from
-- warehouse.item.changed.
CREATE TABLE IF NOT EXISTS catalogue_items (
    item_id       UUID PRIMARY KEY,
    sku           TEXT NOT NULL,
    name          TEXT NOT NULL,
    specification TEXT,
    unit          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    standard_cost NUMERIC(18, 4) NOT NULL,
    active        BOOLEAN NOT NULL,
    revision      BIGINT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
