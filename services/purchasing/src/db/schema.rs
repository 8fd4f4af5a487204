//! purchasing's tables (private to `db`: nothing else names a table).

diesel::table! {
    suppliers (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        tax_number -> Nullable<Text>,
        address -> Nullable<Text>,
        bank_name -> Nullable<Text>,
        bank_account -> Nullable<Text>,
        contacts -> Jsonb,
        currency -> Text,
        payment_terms -> Text,
        payment_days -> Int4,
        rating -> Nullable<Int4>,
        active -> Bool,
        search_text -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    purchase_requests (id) {
        id -> Uuid,
        number -> Text,
        source -> Text,
        source_key -> Nullable<Text>,
        source_ref -> Jsonb,
        status -> Text,
        requested_by -> Text,
        requester_id -> Nullable<Uuid>,
        department_id -> Nullable<Uuid>,
        needed_by -> Nullable<Date>,
        note -> Nullable<Text>,
        approval_request_id -> Nullable<Uuid>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    purchase_request_lines (id) {
        id -> Uuid,
        request_id -> Uuid,
        line_no -> Int4,
        item_id -> Uuid,
        quantity -> Numeric,
        needed_by -> Nullable<Date>,
        note -> Nullable<Text>,
        ordered -> Numeric,
    }
}

diesel::table! {
    supplier_quotations (id) {
        id -> Uuid,
        request_id -> Uuid,
        supplier_id -> Uuid,
        reference -> Nullable<Text>,
        quoted_on -> Date,
        valid_until -> Nullable<Date>,
        currency -> Text,
        lead_time_days -> Int4,
        terms -> Nullable<Text>,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    supplier_quotation_lines (id) {
        id -> Uuid,
        quotation_id -> Uuid,
        request_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_price -> Numeric,
        tax_rate -> Numeric,
        net -> Numeric,
        tax -> Numeric,
    }
}

diesel::table! {
    quotation_selections (request_id) {
        request_id -> Uuid,
        chosen_quotation_id -> Uuid,
        fewer_quotes_reason -> Nullable<Text>,
        note -> Nullable<Text>,
        status -> Text,
        approval_request_id -> Nullable<Uuid>,
        submitted_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    purchase_orders (id) {
        id -> Uuid,
        number -> Text,
        supplier_id -> Uuid,
        request_id -> Nullable<Uuid>,
        quotation_id -> Nullable<Uuid>,
        currency -> Text,
        status -> Text,
        order_date -> Date,
        expected_arrival -> Nullable<Date>,
        payment_terms -> Text,
        payment_days -> Int4,
        warehouse_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        approval_request_id -> Nullable<Uuid>,
        created_by -> Text,
        buyer_id -> Nullable<Uuid>,
        department_id -> Nullable<Uuid>,
        reminded_at -> Nullable<Timestamptz>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    purchase_order_lines (id) {
        id -> Uuid,
        order_id -> Uuid,
        line_no -> Int4,
        item_id -> Uuid,
        request_line_id -> Nullable<Uuid>,
        description -> Text,
        unit -> Text,
        quantity -> Numeric,
        unit_price -> Numeric,
        tax_rate -> Numeric,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        expected_arrival -> Nullable<Date>,
        arrived -> Numeric,
        received -> Numeric,
        invoiced -> Numeric,
    }
}

diesel::joinable!(purchase_request_lines -> purchase_requests (request_id));
diesel::joinable!(supplier_quotations -> suppliers (supplier_id));
diesel::joinable!(supplier_quotation_lines -> supplier_quotations (quotation_id));
diesel::joinable!(purchase_orders -> suppliers (supplier_id));
diesel::joinable!(purchase_order_lines -> purchase_orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(
    suppliers,
    purchase_requests,
    purchase_request_lines,
    supplier_quotations,
    supplier_quotation_lines,
    quotation_selections,
    purchase_orders,
    purchase_order_lines,
    settlement_tolerances,
    payment_requests,
    arrivals,
    arrival_lines,
    supplier_invoices,
    supplier_invoice_lines,
);

diesel::table! {
    settlement_tolerances (id) {
        id -> Bool,
        over_receipt_pct -> Numeric,
        invoice_quantity_pct -> Numeric,
        invoice_price_pct -> Numeric,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    payment_requests (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        supplier_id -> Uuid,
        kind -> Text,
        currency -> Text,
        amount -> Numeric,
        due_date -> Nullable<Date>,
        note -> Nullable<Text>,
        status -> Text,
        requested_by -> Text,
        requested_at -> Timestamptz,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
        paid_amount -> Nullable<Numeric>,
        paid_on -> Nullable<Date>,
        payment_reference -> Nullable<Text>,
        paid_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    arrivals (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        warehouse_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        status -> Text,
        requested_by -> Text,
        created_at -> Timestamptz,
        note_id -> Nullable<Uuid>,
        note_number -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    arrival_lines (id) {
        id -> Uuid,
        arrival_id -> Uuid,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_cost -> Numeric,
        received -> Nullable<Numeric>,
        discrepancy -> Nullable<Text>,
    }
}

diesel::table! {
    supplier_invoices (id) {
        id -> Uuid,
        order_id -> Uuid,
        order_number -> Text,
        supplier_id -> Uuid,
        invoice_number -> Text,
        invoice_date -> Date,
        due_date -> Nullable<Date>,
        currency -> Text,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        status -> Text,
        mismatches -> Jsonb,
        recorded_by -> Text,
        created_at -> Timestamptz,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
    }
}

diesel::table! {
    supplier_invoice_lines (id) {
        id -> Uuid,
        invoice_id -> Uuid,
        line_no -> Int4,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_price -> Numeric,
        tax_rate -> Numeric,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        order_price -> Numeric,
        open_quantity -> Numeric,
    }
}

diesel::joinable!(arrival_lines -> arrivals (arrival_id));
diesel::joinable!(supplier_invoice_lines -> supplier_invoices (invoice_id));
