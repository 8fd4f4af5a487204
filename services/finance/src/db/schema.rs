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
);
