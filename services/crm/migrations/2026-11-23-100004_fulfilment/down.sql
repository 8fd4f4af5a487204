DROP TABLE shipment_lines;
DROP TABLE shipments;
DROP TABLE outbound_request_lines;
DROP TABLE outbound_requests;
DROP TABLE receipts;
DROP TABLE payment_plan_instalments;
