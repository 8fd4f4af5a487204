-- Sales invoices and what the reports need: sales orders and their lines as finance knows them
-- (approved, changed, delivered, invoiced), the cost of goods issued per sales order, purchase
-- orders and supplier invoices for the payables aging.

CREATE TABLE sales_orders (
    order_id      UUID PRIMARY KEY,
    order_number  TEXT NOT NULL,
    customer_id   UUID NOT NULL,
    customer_name TEXT,
    -- The salesperson who owns the order.
    owner_id      UUID NOT NULL,
    currency      TEXT NOT NULL,
    payment_days  INT NOT NULL CHECK (payment_days >= 0),
    order_date    DATE NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sales_orders_customer ON sales_orders (customer_id);
CREATE INDEX sales_orders_owner ON sales_orders (owner_id);

CREATE TABLE sales_order_lines (
    line_id       UUID PRIMARY KEY,
    order_id      UUID NOT NULL REFERENCES sales_orders (order_id),
    item_id       UUID NOT NULL,
    quantity      NUMERIC NOT NULL CHECK (quantity > 0),
    unit_price    NUMERIC NOT NULL CHECK (unit_price >= 0),
    net           NUMERIC NOT NULL CHECK (net >= 0),
    tax           NUMERIC NOT NULL CHECK (tax >= 0),
    delivered     NUMERIC NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    invoiced      NUMERIC NOT NULL DEFAULT 0 CHECK (invoiced >= 0),
    invoiced_net  NUMERIC NOT NULL DEFAULT 0,
    invoiced_tax  NUMERIC NOT NULL DEFAULT 0,
    CHECK (invoiced <= delivered)
);
CREATE INDEX sales_order_lines_order ON sales_order_lines (order_id);

-- Shipments the customer signed for (a replay adds nothing twice).
CREATE TABLE deliveries (
    shipment_id  UUID PRIMARY KEY,
    order_id     UUID NOT NULL REFERENCES sales_orders (order_id),
    delivered_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sales_invoices (
    id               UUID PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    order_id         UUID NOT NULL REFERENCES sales_orders (order_id),
    customer_id      UUID NOT NULL,
    owner_id         UUID NOT NULL,
    currency         TEXT NOT NULL,
    issue_date       DATE NOT NULL,
    due_date         DATE NOT NULL,
    net              NUMERIC NOT NULL CHECK (net >= 0),
    tax              NUMERIC NOT NULL CHECK (tax >= 0),
    total            NUMERIC NOT NULL CHECK (total > 0),
    memo             TEXT,
    journal_entry_id UUID NOT NULL REFERENCES journal_entries (id),
    issued_by        TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sales_invoices_order ON sales_invoices (order_id, issue_date);
CREATE INDEX sales_invoices_customer ON sales_invoices (customer_id, issue_date);

CREATE TABLE sales_invoice_lines (
    invoice_id    UUID NOT NULL REFERENCES sales_invoices (id),
    line_no       INT NOT NULL,
    order_line_id UUID NOT NULL REFERENCES sales_order_lines (line_id),
    item_id       UUID NOT NULL,
    quantity      NUMERIC NOT NULL CHECK (quantity > 0),
    unit_price    NUMERIC NOT NULL,
    net           NUMERIC NOT NULL,
    tax           NUMERIC NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

-- An invoice is a legal document: once issued it is corrected by a credit note, never edited.
CREATE TRIGGER sales_invoices_no_update BEFORE UPDATE OR DELETE ON sales_invoices
    FOR EACH ROW EXECUTE FUNCTION journal_immutable();
CREATE TRIGGER sales_invoice_lines_no_update BEFORE UPDATE OR DELETE ON sales_invoice_lines
    FOR EACH ROW EXECUTE FUNCTION journal_immutable();

-- Confirmed receipts per order and day, so aging can be read at a past date.
CREATE TABLE sales_receipts (
    receipt_id  UUID PRIMARY KEY,
    order_id    UUID NOT NULL,
    currency    TEXT NOT NULL,
    amount      NUMERIC NOT NULL CHECK (amount > 0),
    received_on DATE NOT NULL
);
CREATE INDEX sales_receipts_order ON sales_receipts (order_id, received_on);

-- Which sales order a crm outbound request belongs to (from crm.outbound.requested).
CREATE TABLE outbound_requests (
    request_id UUID PRIMARY KEY,
    order_id   UUID NOT NULL
);
CREATE INDEX outbound_requests_order ON outbound_requests (order_id);

-- Cost of goods issued for crm outbound requests, in the book currency.
CREATE TABLE sales_issues (
    note_id     UUID PRIMARY KEY,
    note_number TEXT NOT NULL,
    request_id  UUID NOT NULL,
    currency    TEXT NOT NULL,
    cost        NUMERIC NOT NULL,
    issued_on   DATE NOT NULL
);
CREATE INDEX sales_issues_request ON sales_issues (request_id);

CREATE TABLE purchase_orders (
    order_id      UUID PRIMARY KEY,
    number        TEXT NOT NULL,
    supplier_id   UUID NOT NULL,
    supplier_name TEXT NOT NULL,
    currency      TEXT NOT NULL,
    total         NUMERIC NOT NULL,
    payment_days  INT NOT NULL
);

CREATE TABLE supplier_invoices (
    invoice_id     UUID PRIMARY KEY,
    invoice_number TEXT NOT NULL,
    order_id       UUID NOT NULL,
    order_number   TEXT NOT NULL,
    supplier_id    UUID NOT NULL,
    currency       TEXT NOT NULL,
    invoice_date   DATE NOT NULL,
    due_date       DATE NOT NULL,
    net            NUMERIC NOT NULL,
    tax            NUMERIC NOT NULL,
    total          NUMERIC NOT NULL
);
CREATE INDEX supplier_invoices_order ON supplier_invoices (order_id, invoice_date);
CREATE INDEX payments_order ON payments (order_id, status);
