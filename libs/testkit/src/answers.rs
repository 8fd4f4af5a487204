//! Answers and what tests assert of them: status, problem+json, decimals and ids as the API
//! writes them.

use erp_auth::{CurrentUser, Role, SubjectKind};
use serde_json::Value;
use uuid::Uuid;

/// An answer with this status (the body is shown when it is not).
#[track_caller]
pub fn assert_status(resp: &Resp, status: u16) {
    assert_eq!(resp.status, status, "unexpected status; body: {}", resp.body);
}

/// A decimal as the API writes it: a JSON string ("10.0000").
#[track_caller]
pub fn dec(v: &Value) -> rust_decimal::Decimal {
    let text = v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}"));
    text.parse().unwrap_or_else(|e| panic!("not a decimal: {v}: {e}"))
}

/// A UUID given as a JSON string.
#[track_caller]
pub fn uuid_of(v: &Value) -> Uuid {
    let text = v.as_str().unwrap_or_else(|| panic!("not a uuid string: {v}"));
    text.parse().unwrap_or_else(|e| panic!("not a uuid: {v}: {e}"))
}

/// The `id` of a returned record.
#[track_caller]
pub fn id_of(v: &Value) -> Uuid {
    uuid_of(&v["id"])
}

pub fn test_user(roles: &[Role]) -> CurrentUser {
    CurrentUser {
        id: Uuid::now_v7(),
        kind: SubjectKind::Employee,
        code: format!("T{}", &Uuid::new_v4().simple().to_string()[..6]),
        name: "Test User".into(),
        department_id: None,
        manager_id: None,
        roles: roles.to_vec(),
    }
}

/// An HTTP answer, body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

impl Resp {
    /// A problem+json answer with this status.
    #[track_caller]
    pub fn assert_problem(&self, status: u16) {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        assert!(
            self.is_problem(),
            "expected problem+json {status}, got content-type {:?} and body {}",
            self.content_type,
            self.body
        );
    }

    /// A problem of `status` whose type is `/problems/{slug}`.
    #[track_caller]
    pub fn assert_problem_type(&self, status: u16, slug: &str) {
        self.assert_problem(status);
        assert_eq!(self.body["type"], format!("/problems/{slug}"), "body: {}", self.body);
    }

    /// The `field` of every field error of a problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errs| {
                errs.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A 422 validation problem naming every one of `fields`.
    #[track_caller]
    pub fn assert_invalid_fields(&self, fields: &[&str]) {
        self.assert_problem_type(422, "validation");
        let got = self.error_fields();
        for f in fields {
            assert!(
                got.iter().any(|g| g == f),
                "expected a field error on `{f}`, got {}",
                self.body
            );
        }
    }

    pub fn is_problem(&self) -> bool {
        self.content_type.starts_with("application/problem+json")
            && self.body.get("status").and_then(Value::as_u64) == Some(u64::from(self.status))
            && self.body.get("title").is_some()
            && self.body.get("type").is_some()
    }
}
