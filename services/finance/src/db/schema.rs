// Diesel table definitions, kept by hand in step with migrations/.

diesel::table! {
    ledger_settings (id) {
        id -> Bool,
        book_currency -> Text,
    }
}

diesel::table! {
    accounts (code) {
        code -> Text,
        name -> Text,
        account_type -> Text,
        normal_side -> Text,
        active -> Bool,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    periods (period) {
        period -> Text,
        status -> Text,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Uuid,
        number -> Text,
        entry_date -> Date,
        period -> Text,
        memo -> Text,
        source_kind -> Text,
        source_id -> Nullable<Uuid>,
        source_number -> Nullable<Text>,
        event_id -> Nullable<Uuid>,
        reverses_id -> Nullable<Uuid>,
        posted_by -> Text,
        posted_at -> Timestamptz,
    }
}

diesel::table! {
    journal_lines (id) {
        id -> Uuid,
        entry_id -> Uuid,
        line_no -> Int4,
        account_code -> Text,
        debit -> Numeric,
        credit -> Numeric,
        currency -> Text,
        party_kind -> Nullable<Text>,
        party_id -> Nullable<Uuid>,
        memo -> Nullable<Text>,
    }
}

diesel::table! {
    direct_entries (id) {
        id -> Uuid,
        number -> Text,
        kind -> Text,
        account_code -> Text,
        amount -> Numeric,
        currency -> Text,
        via -> Text,
        entry_date -> Date,
        memo -> Text,
        status -> Text,
        created_by -> Text,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamptz>,
        review_comment -> Nullable<Text>,
        journal_entry_id -> Nullable<Uuid>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    receivables (order_id) {
        order_id -> Uuid,
        order_number -> Text,
        customer_id -> Uuid,
        customer_name -> Nullable<Text>,
        currency -> Text,
        total -> Numeric,
        received -> Numeric,
        payment_terms -> Nullable<Text>,
        order_date -> Nullable<Date>,
        due_date -> Nullable<Date>,
        scheduled -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    payments (id) {
        id -> Uuid,
        payment_request_id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        supplier_id -> Uuid,
        supplier_name -> Text,
        supplier_bank_name -> Nullable<Text>,
        supplier_bank_account -> Nullable<Text>,
        kind -> Text,
        currency -> Text,
        amount -> Numeric,
        due_date -> Nullable<Date>,
        status -> Text,
        paid_on -> Nullable<Date>,
        reference -> Nullable<Text>,
        paid_by -> Nullable<Text>,
        paid_at -> Nullable<Timestamptz>,
        journal_entry_id -> Nullable<Uuid>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sales_orders (order_id) {
        order_id -> Uuid,
        order_number -> Text,
        customer_id -> Uuid,
        customer_name -> Nullable<Text>,
        owner_id -> Uuid,
        currency -> Text,
        payment_days -> Int4,
        order_date -> Date,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sales_order_lines (line_id) {
        line_id -> Uuid,
        order_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_price -> Numeric,
        net -> Numeric,
        tax -> Numeric,
        delivered -> Numeric,
        invoiced -> Numeric,
        invoiced_net -> Numeric,
        invoiced_tax -> Numeric,
    }
}

diesel::table! {
    deliveries (shipment_id) {
        shipment_id -> Uuid,
        order_id -> Uuid,
        delivered_at -> Timestamptz,
    }
}

diesel::table! {
    sales_invoices (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        customer_id -> Uuid,
        owner_id -> Uuid,
        currency -> Text,
        issue_date -> Date,
        due_date -> Date,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        memo -> Nullable<Text>,
        journal_entry_id -> Uuid,
        issued_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sales_invoice_lines (invoice_id, line_no) {
        invoice_id -> Uuid,
        line_no -> Int4,
        order_line_id -> Uuid,
        item_id -> Uuid,
        quantity -> Numeric,
        unit_price -> Numeric,
        net -> Numeric,
        tax -> Numeric,
    }
}

diesel::table! {
    sales_receipts (receipt_id) {
        receipt_id -> Uuid,
        order_id -> Uuid,
        currency -> Text,
        amount -> Numeric,
        received_on -> Date,
    }
}

diesel::table! {
    outbound_requests (request_id) {
        request_id -> Uuid,
        order_id -> Uuid,
    }
}

diesel::table! {
    sales_issues (note_id) {
        note_id -> Uuid,
        note_number -> Text,
        request_id -> Uuid,
        currency -> Text,
        cost -> Numeric,
        issued_on -> Date,
    }
}

diesel::table! {
    purchase_orders (order_id) {
        order_id -> Uuid,
        number -> Text,
        supplier_id -> Uuid,
        supplier_name -> Text,
        currency -> Text,
        total -> Numeric,
        payment_days -> Int4,
    }
}

diesel::table! {
    supplier_invoices (invoice_id) {
        invoice_id -> Uuid,
        invoice_number -> Text,
        order_id -> Uuid,
        order_number -> Text,
        supplier_id -> Uuid,
        currency -> Text,
        invoice_date -> Date,
        due_date -> Date,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
    }
}

diesel::joinable!(journal_lines -> journal_entries (entry_id));
diesel::joinable!(journal_lines -> accounts (account_code));

diesel::allow_tables_to_appear_in_same_query!(
    ledger_settings,
    accounts,
    periods,
    journal_entries,
    journal_lines,
    direct_entries,
    receivables,
    payments,
    sales_orders,
    sales_order_lines,
    deliveries,
    sales_invoices,
    sales_invoice_lines,
    outbound_requests,
    sales_receipts,
    sales_issues,
    purchase_orders,
    supplier_invoices,
);
diesel::joinable!(sales_order_lines -> sales_orders (order_id));
diesel::joinable!(sales_invoice_lines -> sales_invoices (invoice_id));
