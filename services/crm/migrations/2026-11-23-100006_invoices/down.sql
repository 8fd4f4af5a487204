DROP TABLE order_invoices;
