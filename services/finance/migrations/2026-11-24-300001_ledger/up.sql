-- finance's ledger core: chart of accounts, monthly periods, the immutable journal, cashiers'
-- direct entries awaiting review, the receivable schedule of sales orders and supplier payments
-- awaiting a finance manager.

-- One row: the currency the books keep stock at (warehouse events carry no currency).
CREATE TABLE ledger_settings (
    id            BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    book_currency TEXT NOT NULL
);

CREATE TABLE accounts (
    code         TEXT PRIMARY KEY CHECK (code ~ '^[0-9]{3,8}$'),
    name         TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    normal_side  TEXT NOT NULL CHECK (normal_side IN ('debit', 'credit')),
    active       BOOLEAN NOT NULL DEFAULT true,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE periods (
    period     TEXT PRIMARY KEY CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_by  TEXT,
    closed_at  TIMESTAMPTZ
);

CREATE TABLE journal_entries (
    id            UUID PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    entry_date    DATE NOT NULL,
    period        TEXT NOT NULL REFERENCES periods (period),
    memo          TEXT NOT NULL,
    source_kind   TEXT NOT NULL,
    source_id     UUID,
    source_number TEXT,
    -- The event the entry was posted from: a replay posts nothing twice.
    event_id      UUID UNIQUE,
    -- A reversal names the entry it mirrors; an entry is reversed at most once.
    reverses_id   UUID UNIQUE REFERENCES journal_entries (id),
    posted_by     TEXT NOT NULL,
    posted_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX journal_entries_date ON journal_entries (entry_date, id);
CREATE INDEX journal_entries_source ON journal_entries (source_kind, source_id);

CREATE TABLE journal_lines (
    id           UUID PRIMARY KEY,
    entry_id     UUID NOT NULL REFERENCES journal_entries (id),
    line_no      INT NOT NULL,
    account_code TEXT NOT NULL REFERENCES accounts (code),
    debit        NUMERIC NOT NULL,
    credit       NUMERIC NOT NULL,
    currency     TEXT NOT NULL,
    party_kind   TEXT CHECK (party_kind IN ('customer', 'supplier', 'employee')),
    party_id     UUID,
    memo         TEXT,
    CHECK ((debit = 0 AND credit > 0) OR (credit = 0 AND debit > 0)),
    CHECK ((party_kind IS NULL) = (party_id IS NULL)),
    UNIQUE (entry_id, line_no)
);
CREATE INDEX journal_lines_account ON journal_lines (account_code, currency);
CREATE INDEX journal_lines_party ON journal_lines (party_kind, party_id);

CREATE FUNCTION journal_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'posted journal entries are immutable: correct them with a reversal';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_immutable();
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION journal_immutable();

CREATE TABLE direct_entries (
    id               UUID PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('income', 'expense')),
    account_code     TEXT NOT NULL REFERENCES accounts (code),
    amount           NUMERIC NOT NULL CHECK (amount > 0),
    currency         TEXT NOT NULL,
    via              TEXT NOT NULL CHECK (via IN ('cash', 'bank')),
    entry_date       DATE NOT NULL,
    memo             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending_review', 'posted', 'rejected')),
    created_by       TEXT NOT NULL,
    reviewed_by      TEXT,
    reviewed_at      TIMESTAMPTZ,
    review_comment   TEXT,
    journal_entry_id UUID REFERENCES journal_entries (id),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX direct_entries_status ON direct_entries (status, id);

-- The receivable schedule of approved sales orders; `received` grows with confirmed receipts.
CREATE TABLE receivables (
    order_id      UUID PRIMARY KEY,
    order_number  TEXT NOT NULL,
    customer_id   UUID NOT NULL,
    customer_name TEXT,
    currency      TEXT NOT NULL,
    total         NUMERIC NOT NULL DEFAULT 0,
    received      NUMERIC NOT NULL DEFAULT 0,
    payment_terms TEXT,
    order_date    DATE,
    due_date      DATE,
    -- false while only receipts are known (the order's approval has not arrived yet).
    scheduled     BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX receivables_customer ON receivables (customer_id, currency);

CREATE SEQUENCE customer_balance_revision;

CREATE TABLE payments (
    id                 UUID PRIMARY KEY,
    payment_request_id UUID NOT NULL UNIQUE,
    number             TEXT NOT NULL,
    order_id           UUID NOT NULL,
    order_number       TEXT NOT NULL,
    supplier_id        UUID NOT NULL,
    supplier_name      TEXT NOT NULL,
    supplier_bank_name    TEXT,
    supplier_bank_account TEXT,
    kind               TEXT NOT NULL,
    currency           TEXT NOT NULL,
    amount             NUMERIC NOT NULL CHECK (amount > 0),
    due_date           DATE,
    status             TEXT NOT NULL CHECK (status IN ('awaiting', 'paid')),
    paid_on            DATE,
    reference          TEXT,
    paid_by            TEXT,
    paid_at            TIMESTAMPTZ,
    journal_entry_id   UUID REFERENCES journal_entries (id),
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payments_status ON payments (status, id);
