DROP TABLE contract_reviews, sales_order_lines, sales_orders, quotation_lines, quotations;
