//! The tables of order fulfilment: payment plans, receipts, outbound requests, shipments and
//! the invoices finance issued. Their rows and queries are in the files of each document.

use super::schema::sales_orders;

diesel::table! {
    payment_plan_instalments (order_id, seq) {
        order_id -> Uuid,
        seq -> Int4,
        due_date -> Date,
        amount -> Numeric,
        note -> Nullable<Text>,
        set_by -> Text,
        set_at -> Timestamptz,
    }
}

diesel::table! {
    receipts (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        customer_id -> Uuid,
        currency -> Text,
        amount -> Numeric,
        received_on -> Date,
        method -> Text,
        reference -> Nullable<Text>,
        status -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamptz,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
    }
}

diesel::table! {
    outbound_requests (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        warehouse_id -> Nullable<Uuid>,
        status -> Text,
        note_number -> Nullable<Text>,
        requested_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        note_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    outbound_request_lines (id) {
        id -> Uuid,
        request_id -> Uuid,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        issued -> Numeric,
        cancelled -> Numeric,
        issued_cost -> Numeric,
    }
}

diesel::table! {
    shipments (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        carrier -> Text,
        tracking_number -> Nullable<Text>,
        status -> Text,
        shipped_by -> Text,
        shipped_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
        signed_delivery_note_ref -> Nullable<Text>,
        delivered_by -> Nullable<Text>,
    }
}

diesel::table! {
    order_invoices (invoice_id) {
        invoice_id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        currency -> Text,
        total -> Numeric,
        issue_date -> Date,
        due_date -> Date,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    shipment_lines (id) {
        id -> Uuid,
        shipment_id -> Uuid,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
    }
}

diesel::joinable!(outbound_request_lines -> outbound_requests (request_id));
diesel::joinable!(shipment_lines -> shipments (shipment_id));
diesel::joinable!(receipts -> sales_orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(
    payment_plan_instalments,
    receipts,
    outbound_requests,
    outbound_request_lines,
    shipments,
    shipment_lines,
    order_invoices,
    sales_orders,
);
