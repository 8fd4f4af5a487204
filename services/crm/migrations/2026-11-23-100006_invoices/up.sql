-- Sales invoices finance issued for an order (from finance.invoice.issued): each counted once
-- into its order lines' `invoiced`.
CREATE TABLE order_invoices (
    invoice_id UUID PRIMARY KEY,
    number     TEXT NOT NULL,
    order_id   UUID NOT NULL REFERENCES sales_orders (id),
    currency   TEXT NOT NULL,
    total      NUMERIC(18, 2) NOT NULL,
    issue_date DATE NOT NULL,
    due_date   DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_invoices_order ON order_invoices (order_id, issue_date);
