DROP TABLE supplier_invoice_lines;
DROP TABLE supplier_invoices;
DROP TABLE arrival_lines;
DROP TABLE arrivals;
DROP TABLE payment_requests;
DROP TABLE settlement_tolerances;
