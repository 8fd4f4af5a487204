diesel::table! {
    items (id) {
        id -> Uuid,
        sku -> Text,
        name -> Text,
        specification -> Nullable<Text>,
        unit -> Text,
        kind -> Text,
        category -> Nullable<Text>,
        min_stock -> Nullable<Numeric>,
        max_stock -> Nullable<Numeric>,
        standard_cost -> Numeric,
        active -> Bool,
        search_text -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    warehouses (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        address -> Nullable<Text>,
        is_default -> Bool,
        active -> Bool,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    stock_balances (item_id, warehouse_id) {
        item_id -> Uuid,
        warehouse_id -> Uuid,
        on_hand -> Numeric,
        reserved -> Numeric,
        avg_cost -> Numeric,
        last_movement_at -> Timestamptz,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Uuid,
        seq -> Int8,
        item_id -> Uuid,
        warehouse_id -> Uuid,
        quantity -> Numeric,
        kind -> Text,
        source_kind -> Text,
        source_id -> Uuid,
        source_number -> Nullable<Text>,
        source_line_id -> Nullable<Uuid>,
        unit_cost -> Numeric,
        on_hand_after -> Numeric,
        reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outbound_notes (id) {
        id -> Uuid,
        number -> Text,
        source_kind -> Text,
        source_id -> Uuid,
        source_number -> Nullable<Text>,
        warehouse_id -> Uuid,
        status -> Text,
        party -> Nullable<Text>,
        note -> Nullable<Text>,
        requested_by -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    outbound_note_lines (id) {
        id -> Uuid,
        note_id -> Uuid,
        line_no -> Int4,
        source_line_id -> Nullable<Uuid>,
        item_id -> Uuid,
        requested -> Numeric,
        issued -> Numeric,
        cancelled -> Numeric,
    }
}

diesel::table! {
    inbound_notes (id) {
        id -> Uuid,
        number -> Text,
        kind -> Text,
        source_kind -> Text,
        source_id -> Uuid,
        source_number -> Nullable<Text>,
        warehouse_id -> Uuid,
        status -> Text,
        party -> Nullable<Text>,
        note -> Nullable<Text>,
        requested_by -> Text,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamptz>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    inbound_note_lines (id) {
        id -> Uuid,
        note_id -> Uuid,
        line_no -> Int4,
        source_line_id -> Nullable<Uuid>,
        item_id -> Uuid,
        expected -> Numeric,
        received -> Nullable<Numeric>,
        unit_cost -> Numeric,
        discrepancy -> Nullable<Text>,
    }
}

diesel::table! {
    stock_documents (id) {
        id -> Uuid,
        number -> Text,
        kind -> Text,
        warehouse_id -> Uuid,
        to_warehouse_id -> Nullable<Uuid>,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    stock_counts (id) {
        id -> Uuid,
        number -> Text,
        warehouse_id -> Uuid,
        status -> Text,
        note -> Nullable<Text>,
        created_by -> Text,
        submitted_by -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decision_comment -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    stock_count_lines (id) {
        id -> Uuid,
        count_id -> Uuid,
        item_id -> Uuid,
        system_qty -> Numeric,
        counted -> Nullable<Numeric>,
        unit_cost -> Numeric,
        counted_by -> Nullable<Text>,
    }
}

diesel::joinable!(stock_balances -> items (item_id));
diesel::joinable!(stock_balances -> warehouses (warehouse_id));
diesel::joinable!(outbound_note_lines -> outbound_notes (note_id));
diesel::joinable!(inbound_note_lines -> inbound_notes (note_id));
diesel::joinable!(stock_count_lines -> stock_counts (count_id));
diesel::allow_tables_to_appear_in_same_query!(
    items,
    warehouses,
    stock_balances,
    stock_movements,
    outbound_notes,
    outbound_note_lines,
    inbound_notes,
    inbound_note_lines,
    stock_documents,
    stock_counts,
    stock_count_lines,
);
