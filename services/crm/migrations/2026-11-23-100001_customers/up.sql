CREATE TABLE customers (
    id                UUID PRIMARY KEY,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('company', 'person')),
    tax_number        TEXT,
    address           TEXT,
    shipping_address  TEXT,
    phone             TEXT,
    email             TEXT,
    bank_name         TEXT,
    bank_account      TEXT,
    grade             TEXT NOT NULL DEFAULT 'C' CHECK (grade IN ('A', 'B', 'C', 'D')),
    credit_limit      NUMERIC(18, 2) NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    currency          TEXT NOT NULL,
    payment_terms     TEXT NOT NULL CHECK (payment_terms IN ('prepayment', 'cash_on_delivery', 'net_days', 'monthly_settlement')),
    payment_days      INTEGER NOT NULL DEFAULT 0 CHECK (payment_days >= 0),
    owner_id          UUID NOT NULL,
    department_id     UUID,
    anniversary_date  DATE,
    lease_expiry_date DATE,
    active            BOOLEAN NOT NULL DEFAULT true,
    search_text       TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_code_key ON customers (lower(code));
CREATE INDEX customers_owner ON customers (owner_id);
CREATE INDEX customers_department ON customers (department_id);

CREATE TABLE contacts (
    id             UUID PRIMARY KEY,
    customer_id    UUID NOT NULL REFERENCES customers (id),
    name           TEXT NOT NULL,
    title          TEXT,
    phone          TEXT,
    email          TEXT,
    decision_maker BOOLEAN NOT NULL DEFAULT false,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer ON contacts (customer_id);

-- Open receivables per customer, as finance last published them.
CREATE TABLE customer_balances (
    customer_id UUID PRIMARY KEY,
    currency    TEXT NOT NULL,
    open_amount NUMERIC(18, 2) NOT NULL,
    overdue_amount NUMERIC(18, 2) NOT NULL DEFAULT 0,
    revision    BIGINT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE price_list (
    item_id     UUID NOT NULL,
    currency    TEXT NOT NULL,
    list_price  NUMERIC(18, 4) NOT NULL CHECK (list_price >= 0),
    floor_price NUMERIC(18, 4) NOT NULL CHECK (floor_price >= 0),
    version     BIGINT NOT NULL DEFAULT 1,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, currency),
    CHECK (floor_price <= list_price)
);
