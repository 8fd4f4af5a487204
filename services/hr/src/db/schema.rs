diesel::table! {
    departments (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        parent_id -> Nullable<Uuid>,
        manager_id -> Nullable<Uuid>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    employees (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        department_id -> Nullable<Uuid>,
        manager_id -> Nullable<Uuid>,
        position -> Nullable<Text>,
        roles -> Array<Text>,
        active -> Bool,
        password_hash -> Nullable<Text>,
        password_changed_at -> Nullable<Timestamptz>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        employee_id -> Uuid,
        token_hash -> Text,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        roles -> Array<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    login_throttle (subject) {
        subject -> Text,
        failures -> Int4,
        last_failure_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(employees -> departments (department_id));
diesel::joinable!(refresh_tokens -> employees (employee_id));
diesel::allow_tables_to_appear_in_same_query!(departments, employees, refresh_tokens, api_keys);
