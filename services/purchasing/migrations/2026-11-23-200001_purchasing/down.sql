DROP TABLE purchase_order_lines, purchase_orders, quotation_selections, supplier_quotation_lines, supplier_quotations, purchase_request_lines, purchase_requests, suppliers;
