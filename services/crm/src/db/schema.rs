diesel::table! {
    customers (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        kind -> Text,
        tax_number -> Nullable<Text>,
        address -> Nullable<Text>,
        shipping_address -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        bank_name -> Nullable<Text>,
        bank_account -> Nullable<Text>,
        grade -> Text,
        credit_limit -> Numeric,
        currency -> Text,
        payment_terms -> Text,
        payment_days -> Int4,
        owner_id -> Uuid,
        department_id -> Nullable<Uuid>,
        anniversary_date -> Nullable<Date>,
        lease_expiry_date -> Nullable<Date>,
        active -> Bool,
        search_text -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    contacts (id) {
        id -> Uuid,
        customer_id -> Uuid,
        name -> Text,
        title -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        decision_maker -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    customer_balances (customer_id) {
        customer_id -> Uuid,
        currency -> Text,
        open_amount -> Numeric,
        overdue_amount -> Numeric,
        revision -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    price_list (item_id, currency) {
        item_id -> Uuid,
        currency -> Text,
        list_price -> Numeric,
        floor_price -> Numeric,
        version -> Int8,
        updated_by -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    quotations (id) {
        id -> Uuid,
        number -> Text,
        revision -> Int4,
        previous_id -> Nullable<Uuid>,
        customer_id -> Uuid,
        owner_id -> Uuid,
        department_id -> Nullable<Uuid>,
        currency -> Text,
        valid_until -> Date,
        payment_terms -> Text,
        payment_days -> Int4,
        status -> Text,
        notes -> Nullable<Text>,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        margin_pct -> Nullable<Numeric>,
        below_floor -> Bool,
        approval_request_id -> Nullable<Uuid>,
        created_by -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    quotation_lines (id) {
        id -> Uuid,
        quotation_id -> Uuid,
        line_no -> Int4,
        item_id -> Uuid,
        description -> Text,
        quantity -> Numeric,
        unit -> Text,
        unit_price -> Numeric,
        discount_pct -> Numeric,
        tax_rate -> Numeric,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        floor_price -> Nullable<Numeric>,
        unit_cost -> Nullable<Numeric>,
    }
}

diesel::table! {
    sales_orders (id) {
        id -> Uuid,
        number -> Text,
        quotation_id -> Nullable<Uuid>,
        customer_id -> Uuid,
        owner_id -> Uuid,
        department_id -> Nullable<Uuid>,
        currency -> Text,
        status -> Text,
        order_date -> Date,
        payment_terms -> Text,
        payment_days -> Int4,
        seller -> Jsonb,
        buyer -> Jsonb,
        terms -> Jsonb,
        attachments -> Array<Text>,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        total_in_words -> Text,
        margin_pct -> Nullable<Numeric>,
        below_floor -> Bool,
        approval_request_id -> Nullable<Uuid>,
        created_by -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sales_order_lines (id) {
        id -> Uuid,
        order_id -> Uuid,
        line_no -> Int4,
        item_id -> Uuid,
        description -> Text,
        quantity -> Numeric,
        unit -> Text,
        unit_price -> Numeric,
        discount_pct -> Numeric,
        tax_rate -> Numeric,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        floor_price -> Nullable<Numeric>,
        unit_cost -> Nullable<Numeric>,
        delivery_date -> Nullable<Date>,
        requested -> Numeric,
        issued -> Numeric,
        shipped -> Numeric,
        invoiced -> Numeric,
    }
}

diesel::table! {
    contract_reviews (order_id, item) {
        order_id -> Uuid,
        item -> Text,
        result -> Text,
        note -> Nullable<Text>,
        reviewed_by -> Text,
        reviewed_at -> Timestamptz,
    }
}

diesel::table! {
    order_change_requests (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        reason -> Text,
        proposed -> Jsonb,
        review -> Jsonb,
        status -> Text,
        net -> Numeric,
        tax -> Numeric,
        total -> Numeric,
        below_floor -> Bool,
        margin_pct -> Nullable<Numeric>,
        approval_request_id -> Nullable<Uuid>,
        created_by -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(quotation_lines -> quotations (quotation_id));
diesel::joinable!(sales_order_lines -> sales_orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(
    customers,
    contacts,
    customer_balances,
    price_list,
    quotations,
    quotation_lines,
    sales_orders,
    sales_order_lines,
    contract_reviews,
    order_change_requests,
);

diesel::table! {
    leads (id) {
        id -> Uuid,
        channel -> Text,
        kind -> Text,
        name -> Text,
        contact_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        need -> Nullable<Text>,
        status -> Text,
        created_by -> Uuid,
        created_by_name -> Text,
        assigned_to -> Nullable<Uuid>,
        assigned_to_name -> Nullable<Text>,
        department_id -> Nullable<Uuid>,
        assigned_at -> Nullable<Timestamptz>,
        customer_id -> Nullable<Uuid>,
        opportunity_id -> Nullable<Uuid>,
        disqualify_reason -> Nullable<Text>,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
        search_text -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    opportunities (id) {
        id -> Uuid,
        customer_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        stage -> Text,
        amount -> Numeric,
        currency -> Text,
        probability -> Int4,
        expected_close_date -> Nullable<Date>,
        owner_id -> Uuid,
        department_id -> Nullable<Uuid>,
        lead_id -> Nullable<Uuid>,
        lost_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    opportunity_stage_changes (id) {
        id -> Uuid,
        opportunity_id -> Uuid,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        probability -> Int4,
        reason -> Nullable<Text>,
        changed_by -> Uuid,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    activities (id) {
        id -> Uuid,
        customer_id -> Uuid,
        opportunity_id -> Nullable<Uuid>,
        kind -> Text,
        subject -> Text,
        outcome -> Nullable<Text>,
        occurred_at -> Timestamptz,
        next_follow_up -> Nullable<Date>,
        attachments -> Array<Text>,
        created_by -> Uuid,
        created_by_name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(opportunities -> customers (customer_id));
diesel::joinable!(activities -> customers (customer_id));
diesel::joinable!(opportunity_stage_changes -> opportunities (opportunity_id));
diesel::allow_tables_to_appear_in_same_query!(leads, opportunities, opportunity_stage_changes, activities, customers);
