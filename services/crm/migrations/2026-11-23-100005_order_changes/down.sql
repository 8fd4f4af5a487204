DROP TABLE order_change_requests;
