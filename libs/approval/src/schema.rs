//! The approval tables (migration `00000000000003_approval`).

diesel::table! {
    approval_rules (id) {
        id -> Uuid,
        document_type -> Text,
        condition -> Text,
        threshold -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        approver_role -> Text,
        step -> Int4,
        active -> Bool,
        version -> Int8,
        created_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    approval_requests (id) {
        id -> Uuid,
        document_type -> Text,
        document_id -> Uuid,
        document_number -> Text,
        submitted_by -> Uuid,
        submitter_department -> Nullable<Uuid>,
        status -> Text,
        current_step -> Int4,
        facts -> Jsonb,
        withdrawn_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    approval_steps (id) {
        id -> Uuid,
        request_id -> Uuid,
        step -> Int4,
        approver_role -> Text,
        reasons -> Array<Text>,
        decision -> Nullable<Text>,
        decided_by -> Nullable<Uuid>,
        decided_by_name -> Nullable<Text>,
        comment -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(approval_steps -> approval_requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(approval_rules, approval_requests, approval_steps);
