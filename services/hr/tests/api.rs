//! hr's HTTP API against the real PostgreSQL and RabbitMQ: login and sessions, validation and
//! error answers, employees, departments, API keys and the outbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamptz};
use erp_auth::{Claims, Role, SubjectKind};
use erp_testkit::{Resp, TestEnv, TestService};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

mod grants;
mod logins;

const ADMIN_CODE: &str = "admin";
const ADMIN_PASSWORD: &str = "admin-pass-1";

async fn start_hr(env: &TestEnv) -> TestService {
    env.start_with(hr::service(), |c| c.admin_password = Some(ADMIN_PASSWORD.into()))
        .await
}

#[track_caller]
fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn detail(resp: &Resp) -> String {
    resp.body["detail"].as_str().unwrap_or_default().to_owned()
}

async fn login(hr: &TestService, code: &str, password: &str) -> Resp {
    hr.post(
        "/api/v1/auth/login",
        None,
        &json!({ "code": code, "password": password }),
    )
    .await
}

/// Logs in and returns the session (access_token, refresh_token, employee).
async fn session(hr: &TestService, code: &str, password: &str) -> Value {
    let r = login(hr, code, password).await;
    assert_eq!(r.status, 200, "login as {code} failed: {}", r.body);
    r.body
}

async fn admin_token(hr: &TestService) -> String {
    text(&session(hr, ADMIN_CODE, ADMIN_PASSWORD).await, "access_token").to_owned()
}

async fn create_department(hr: &TestService, token: &str, code: &str, parent_id: Option<&str>) -> Value {
    let r = hr
        .post(
            "/api/v1/departments",
            Some(token),
            &json!({ "code": code, "name": format!("Department {code}"), "parent_id": parent_id }),
        )
        .await;
    assert_eq!(r.status, 201, "department {code} not created: {}", r.body);
    assert_eq!(r.body["code"], code);
    r.body
}

async fn create_employee(hr: &TestService, token: &str, body: Value) -> Value {
    let r = hr.post("/api/v1/employees", Some(token), &body).await;
    assert_eq!(r.status, 201, "employee not created: {}", r.body);
    r.body
}

fn ids_of(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {page}"))
        .iter()
        .map(|e| text(e, "id").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_admin_logs_in_and_reads_own_profile() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;

    let r = login(&hr, ADMIN_CODE, ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.content_type.starts_with("application/json"), "{}", r.content_type);
    let access = text(&r.body, "access_token");
    assert!(!access.is_empty());
    assert!(!text(&r.body, "refresh_token").is_empty());
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(r.body["expires_in"].as_u64().unwrap() > 0);
    assert!(r.body["refresh_expires_in"].as_u64().unwrap() > 0);
    let employee = &r.body["employee"];
    assert_eq!(employee["code"], ADMIN_CODE);
    assert_eq!(employee["active"], true);
    assert_eq!(employee["has_password"], true);
    assert!(
        employee.get("password_hash").is_none(),
        "the hash must never be shown: {employee}"
    );
    let roles: Vec<&str> = employee["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(roles.contains(&"hr_admin"), "{roles:?}");
    assert!(roles.contains(&"employee"), "{roles:?}");

    // The access token verifies with the shared secret and speaks for the admin.
    let claims = env.keys.verify(access).unwrap();
    assert_eq!(claims.sub.to_string(), text(employee, "id"));
    assert_eq!(claims.kind, SubjectKind::Employee);

    let me = hr.get("/api/v1/me", Some(access)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["id"], employee["id"]);
    assert_eq!(me.body["code"], ADMIN_CODE);
    assert_eq!(me.body["name"], "Administrator");

    // Codes are case-insensitive at login too.
    let upper = login(&hr, "ADMIN", ADMIN_PASSWORD).await;
    assert_eq!(upper.status, 200, "{}", upper.body);
    assert_eq!(upper.body["employee"]["id"], employee["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_login_look_the_same() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;

    let wrong_password = login(&hr, ADMIN_CODE, "not-the-password").await;
    wrong_password.assert_problem(401);
    let unknown_code = login(&hr, "nobody-here", ADMIN_PASSWORD).await;
    unknown_code.assert_problem(401);

    let (a, b) = (detail(&wrong_password), detail(&unknown_code));
    assert!(!a.is_empty(), "{}", wrong_password.body);
    assert_eq!(a, b, "the answers must not tell whether the login exists");
    assert_eq!(wrong_password.body["title"], unknown_code.body["title"]);
    assert_eq!(wrong_password.body["type"], unknown_code.body["type"]);
    assert!(wrong_password.body.get("access_token").is_none());

    // An empty password is a validation error, not a login attempt.
    let empty = login(&hr, ADMIN_CODE, "").await;
    empty.assert_invalid_fields(&["password"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_precise_problems_never_500() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;

    // Malformed JSON.
    let r = hr
        .post_raw(
            "/api/v1/employees",
            Some(&admin),
            "application/json",
            r#"{"code": "NV1", "name": "#,
        )
        .await;
    r.assert_problem(400);
    assert_eq!(r.body["type"], "/problems/bad-request");

    // A value of the wrong type names the field.
    let r = hr
        .post("/api/v1/employees", Some(&admin), &json!({ "code": "NV1", "name": 5 }))
        .await;
    r.assert_problem(422);
    assert_eq!(r.body["errors"][0]["field"], "name", "{}", r.body);

    // A missing field names the field.
    let r = hr
        .post("/api/v1/employees", Some(&admin), &json!({ "code": "NV1" }))
        .await;
    r.assert_problem(422);
    assert_eq!(r.body["errors"][0]["field"], "name", "{}", r.body);

    // An unknown employee.
    let r = hr
        .get(&format!("/api/v1/employees/{}", Uuid::now_v7()), Some(&admin))
        .await;
    r.assert_problem(404);
    assert_eq!(r.body["type"], "/problems/not-found");

    // A manager that does not exist.
    let r = hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &json!({ "code": "NV1", "name": "Nguyễn Văn A", "manager_id": Uuid::now_v7() }),
        )
        .await;
    r.assert_invalid_fields(&["manager_id"]);
    // ... nor a department that does not exist.
    let r = hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &json!({ "code": "NV1", "name": "Nguyễn Văn A", "department_id": Uuid::now_v7() }),
        )
        .await;
    r.assert_invalid_fields(&["department_id"]);
    // Nothing was created by the refused requests.
    let page = hr.get("/api/v1/employees?q=NV1", Some(&admin)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(ids_of(&page.body).is_empty(), "{}", page.body);

    // No token.
    let r = hr.get("/api/v1/employees", None).await;
    r.assert_problem(401);
    let r = hr
        .post("/api/v1/employees", None, &json!({ "code": "NV1", "name": "A" }))
        .await;
    r.assert_problem(401);

    // An expired token (well past the verifier's leeway).
    let now = Utc::now().timestamp();
    let expired = env
        .keys
        .sign(&Claims {
            sub: Uuid::now_v7(),
            kind: SubjectKind::Employee,
            code: "T1".into(),
            name: "Expired".into(),
            dept: None,
            mgr: None,
            roles: vec!["hr_admin".into()],
            iat: now - 7200,
            exp: now - 3600,
        })
        .unwrap();
    let r = hr.get("/api/v1/employees", Some(&expired)).await;
    r.assert_problem(401);
    assert!(detail(&r).contains("expired"), "{}", r.body);

    // A token signed with another secret.
    let foreign = erp_auth::JwtKeys::new("some-other-secret")
        .issue(&erp_testkit::test_user(&[Role::HrAdmin]), Duration::from_secs(600))
        .unwrap()
        .0;
    let r = hr.get("/api/v1/employees", Some(&foreign)).await;
    r.assert_problem(401);

    // A valid token without hr_admin.
    let sales = env.token(&[Role::Sales]);
    let r = hr
        .post(
            "/api/v1/employees",
            Some(&sales),
            &json!({ "code": "NV1", "name": "A" }),
        )
        .await;
    r.assert_problem(403);
    assert_eq!(r.body["type"], "/problems/forbidden");
    // ... who may still read the directory.
    let r = hr.get("/api/v1/employees", Some(&sales)).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // A path that is not a UUID.
    let r = hr.get("/api/v1/employees/not-a-uuid", Some(&admin)).await;
    r.assert_problem(400);
    let r = hr.get("/api/v1/departments/12345", Some(&admin)).await;
    r.assert_problem(400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn employees_lifecycle() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;

    let dept = create_department(&hr, &admin, "SALES", None).await;
    let dept_id = text(&dept, "id").to_owned();

    // Create with a department; roles always include `employee`.
    let a = create_employee(
        &hr,
        &admin,
        json!({
            "code": "NV001",
            "name": "Nguyễn Văn An",
            "email": "An@Example.VN",
            "department_id": dept_id,
            "position": "Sales",
            "roles": ["sales"],
            "password": "an-password-1",
        }),
    )
    .await;
    let a_id = text(&a, "id").to_owned();
    assert_eq!(a["code"], "NV001");
    assert_eq!(a["department_id"], dept_id.as_str());
    assert_eq!(a["email"], "an@example.vn");
    assert_eq!(a["version"], 1);
    assert_eq!(a["active"], true);
    assert_eq!(a["has_password"], true);
    let roles: Vec<&str> = a["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(roles.contains(&"sales") && roles.contains(&"employee"), "{roles:?}");

    let got = hr.get(&format!("/api/v1/employees/{a_id}"), Some(&admin)).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["code"], "NV001");
    assert_eq!(got.body["department_id"], dept_id.as_str());

    // The code is unique regardless of case.
    let dup = hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &json!({ "code": "nv001", "name": "Someone Else" }),
        )
        .await;
    dup.assert_problem(409);

    // Update with the version read: version goes up.
    let b = create_employee(&hr, &admin, json!({ "code": "NV002", "name": "Trần Thị Bình" })).await;
    let b_id = text(&b, "id").to_owned();
    let updated = hr
        .put(
            &format!("/api/v1/employees/{b_id}"),
            Some(&admin),
            &json!({ "name": "Trần Thị Bình", "manager_id": a_id, "department_id": dept_id, "version": 1 }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["version"], 2);
    assert_eq!(updated.body["manager_id"], a_id.as_str());
    assert_eq!(updated.body["department_id"], dept_id.as_str());

    // A stale version is refused and changes nothing.
    let stale = hr
        .put(
            &format!("/api/v1/employees/{b_id}"),
            Some(&admin),
            &json!({ "name": "Someone Else", "version": 1 }),
        )
        .await;
    stale.assert_problem(409);
    let got = hr.get(&format!("/api/v1/employees/{b_id}"), Some(&admin)).await;
    assert_eq!(got.body["name"], "Trần Thị Bình");
    assert_eq!(got.body["version"], 2);

    // A is B's manager; B cannot become A's.
    let cycle = hr
        .put(
            &format!("/api/v1/employees/{a_id}"),
            Some(&admin),
            &json!({ "name": "Nguyễn Văn An", "manager_id": b_id, "version": 1 }),
        )
        .await;
    cycle.assert_invalid_fields(&["manager_id"]);
    // Nor anyone their own manager.
    let own = hr
        .put(
            &format!("/api/v1/employees/{a_id}"),
            Some(&admin),
            &json!({ "name": "Nguyễn Văn An", "manager_id": a_id, "version": 1 }),
        )
        .await;
    own.assert_invalid_fields(&["manager_id"]);
    let got = hr.get(&format!("/api/v1/employees/{a_id}"), Some(&admin)).await;
    assert_eq!(got.body["manager_id"], Value::Null);
    assert_eq!(got.body["version"], 1);

    // Deactivation ends the employee's sign-in.
    let a_session = session(&hr, "NV001", "an-password-1").await;
    let off = hr
        .post(
            &format!("/api/v1/employees/{a_id}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(off.body["active"], false);
    assert_eq!(off.body["version"], 2);
    let refused = login(&hr, "NV001", "an-password-1").await;
    refused.assert_problem(401);
    assert_eq!(detail(&refused), detail(&login(&hr, "NV001", "wrong-password").await));
    let refresh = hr
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": text(&a_session, "refresh_token") }),
        )
        .await;
    refresh.assert_problem(401);

    let inactive = hr.get("/api/v1/employees?active=false", Some(&admin)).await;
    assert_eq!(inactive.status, 200, "{}", inactive.body);
    assert_eq!(ids_of(&inactive.body), vec![a_id.clone()]);
    assert_eq!(inactive.body["items"][0]["active"], false);
    let active = ids_of(&hr.get("/api/v1/employees?active=true", Some(&admin)).await.body);
    assert!(!active.contains(&a_id) && active.contains(&b_id), "{active:?}");
    let in_dept = ids_of(
        &hr.get(&format!("/api/v1/employees?department_id={dept_id}"), Some(&admin))
            .await
            .body,
    );
    assert_eq!(in_dept.len(), 2, "{in_dept:?}");

    // And reactivation lets them back in.
    let on = hr
        .post(&format!("/api/v1/employees/{a_id}/activate"), Some(&admin), &json!({}))
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(on.body["active"], true);
    assert_eq!(login(&hr, "NV001", "an-password-1").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_refresh_reuse_logout_and_password_change() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;
    create_employee(
        &hr,
        &admin,
        json!({ "code": "NV010", "name": "Lê Văn Cường", "password": "first-password" }),
    )
    .await;

    // Refresh gives a new session.
    let s1 = session(&hr, "NV010", "first-password").await;
    let r1 = text(&s1, "refresh_token").to_owned();
    let refreshed = hr
        .post("/api/v1/auth/refresh", None, &json!({ "refresh_token": r1 }))
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let r2 = text(&refreshed.body, "refresh_token").to_owned();
    assert_ne!(r1, r2);
    assert_eq!(refreshed.body["employee"]["code"], "NV010");
    let me = hr.get("/api/v1/me", Some(text(&refreshed.body, "access_token"))).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["code"], "NV010");

    // Reusing the old refresh token is refused and revokes every session, the new one included.
    let reuse = hr
        .post("/api/v1/auth/refresh", None, &json!({ "refresh_token": r1 }))
        .await;
    reuse.assert_problem(401);
    let after = hr
        .post("/api/v1/auth/refresh", None, &json!({ "refresh_token": r2 }))
        .await;
    after.assert_problem(401);

    // An unknown refresh token.
    let bogus = hr
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": "0".repeat(64) }),
        )
        .await;
    bogus.assert_problem(401);

    // Logout revokes the session's refresh token.
    let s2 = session(&hr, "NV010", "first-password").await;
    let r3 = text(&s2, "refresh_token").to_owned();
    let out = hr
        .post("/api/v1/auth/logout", None, &json!({ "refresh_token": r3 }))
        .await;
    assert_eq!(out.status, 204, "{}", out.body);
    let after = hr
        .post("/api/v1/auth/refresh", None, &json!({ "refresh_token": r3 }))
        .await;
    after.assert_problem(401);

    // Password change: the wrong current password is refused.
    let s3 = session(&hr, "NV010", "first-password").await;
    let access = text(&s3, "access_token").to_owned();
    let wrong = hr
        .post(
            "/api/v1/me/password",
            Some(&access),
            &json!({ "current_password": "not-my-password", "new_password": "second-password" }),
        )
        .await;
    wrong.assert_invalid_fields(&["current_password"]);
    let weak = hr
        .post(
            "/api/v1/me/password",
            Some(&access),
            &json!({ "current_password": "first-password", "new_password": "short" }),
        )
        .await;
    weak.assert_invalid_fields(&["new_password"]);
    assert_eq!(login(&hr, "NV010", "first-password").await.status, 200);

    // The right one changes it; the old password stops working, and so do old sessions.
    let changed = hr
        .post(
            "/api/v1/me/password",
            Some(&access),
            &json!({ "current_password": "first-password", "new_password": "second-password" }),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_eq!(login(&hr, "NV010", "second-password").await.status, 200);
    login(&hr, "NV010", "first-password").await.assert_problem(401);
    let old_session = hr
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": text(&s3, "refresh_token") }),
        )
        .await;
    old_session.assert_problem(401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_exchange_and_revoke() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;

    let created = hr
        .post(
            "/api/v1/api-keys",
            Some(&admin),
            &json!({ "name": "e-shop order sync", "roles": ["purchaser"] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let key_id = text(&created.body, "id").to_owned();
    let secret = text(&created.body, "api_key").to_owned();
    assert!(secret.starts_with("erp_"), "{secret}");
    assert!(secret.contains(text(&created.body, "prefix")));
    assert_eq!(created.body["roles"], json!(["purchaser"]));
    assert_eq!(created.body["revoked_at"], Value::Null);
    assert!(created.body.get("key_hash").is_none(), "{}", created.body);

    // The list shows the key but never its secret.
    let list = hr.get("/api/v1/api-keys", Some(&admin)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let keys = list.body.as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["id"], key_id.as_str());
    assert!(
        keys[0].get("api_key").is_none() && keys[0].get("key_hash").is_none(),
        "{}",
        list.body
    );
    assert!(!list.body.to_string().contains(&secret));

    // Exchange the key for an access token carrying the key's roles.
    let tok = hr.post("/api/v1/auth/token", None, &json!({ "api_key": secret })).await;
    assert_eq!(tok.status, 200, "{}", tok.body);
    assert_eq!(tok.body["token_type"], "Bearer");
    let access = text(&tok.body, "access_token").to_owned();
    let claims = env.keys.verify(&access).unwrap();
    assert_eq!(claims.kind, SubjectKind::ApiKey);
    assert_eq!(claims.sub.to_string(), key_id);
    assert_eq!(claims.roles, vec!["purchaser".to_owned()]);

    let r = hr.get("/api/v1/employees", Some(&access)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!ids_of(&r.body).is_empty());
    // Only the key's roles: no hr_admin.
    let r = hr
        .post(
            "/api/v1/employees",
            Some(&access),
            &json!({ "code": "X1", "name": "X" }),
        )
        .await;
    r.assert_problem(403);

    // A wrong key, of the right shape or not.
    let mut tampered = secret.clone();
    let last = if tampered.ends_with('0') { '1' } else { '0' };
    tampered.pop();
    tampered.push(last);
    hr.post("/api/v1/auth/token", None, &json!({ "api_key": tampered }))
        .await
        .assert_problem(401);
    hr.post("/api/v1/auth/token", None, &json!({ "api_key": "nonsense" }))
        .await
        .assert_problem(401);

    // Revoked: no more tokens.
    let revoked = hr
        .post(&format!("/api/v1/api-keys/{key_id}/revoke"), Some(&admin), &json!({}))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(revoked.body["revoked_at"].is_string(), "{}", revoked.body);
    let tok = hr.post("/api/v1/auth/token", None, &json!({ "api_key": secret })).await;
    tok.assert_problem(401);

    // An unknown role, or none.
    let bad = hr
        .post(
            "/api/v1/api-keys",
            Some(&admin),
            &json!({ "name": "bad", "roles": ["emperor"] }),
        )
        .await;
    bad.assert_invalid_fields(&["roles[0]"]);
    let none = hr
        .post("/api/v1/api-keys", Some(&admin), &json!({ "name": "bad", "roles": [] }))
        .await;
    none.assert_invalid_fields(&["roles"]);

    // Only hr_admin manages keys.
    let sales = env.token(&[Role::Sales]);
    let r = hr
        .post(
            "/api/v1/api-keys",
            Some(&sales),
            &json!({ "name": "x", "roles": ["sales"] }),
        )
        .await;
    r.assert_problem(403);
    let r = hr
        .post(
            &format!("/api/v1/api-keys/{}/revoke", Uuid::now_v7()),
            Some(&admin),
            &json!({}),
        )
        .await;
    r.assert_problem(404);
}

#[derive(Debug, QueryableByName)]
struct OutboxRow {
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    sent_at: Option<DateTime<Utc>>,
}

async fn outbox_rows_of(hr: &TestService, employee_id: &str) -> Vec<OutboxRow> {
    let id = employee_id.to_owned();
    erp_db::with_conn(&hr.pool, move |c| {
        Ok(diesel::sql_query(
            "SELECT event_type, envelope->'data'->>'code' AS code, sent_at FROM bus_outbox \
             WHERE envelope->'data'->>'employee_id' = $1 ORDER BY seq",
        )
        .bind::<Text, _>(id)
        .load::<OutboxRow>(c)?)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn employee_changes_go_through_the_outbox() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;

    let e = create_employee(&hr, &admin, json!({ "code": "NV020", "name": "Phạm Thị Dung" })).await;
    let id = text(&e, "id").to_owned();

    let rows = outbox_rows_of(&hr, &id).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].event_type, "hr.employee.changed");
    assert_eq!(rows[0].code, "NV020");

    // The relay publishes it (with publisher confirms) and marks it sent.
    let sent = hr
        .eventually(Duration::from_secs(5), || {
            let hr = &hr;
            let id = id.clone();
            async move {
                let rows = outbox_rows_of(hr, &id).await;
                rows.first().and_then(|r| r.sent_at)
            }
        })
        .await;
    assert!(sent.is_some(), "the outbox row was not sent within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn departments_form_a_tree_without_loops() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;

    let hq = create_department(&hr, &admin, "HQ", None).await;
    let hq_id = text(&hq, "id").to_owned();
    let sales = create_department(&hr, &admin, "SALES", Some(&hq_id)).await;
    let sales_id = text(&sales, "id").to_owned();
    let hn = create_department(&hr, &admin, "SALES-HN", Some(&sales_id)).await;
    let hn_id = text(&hn, "id").to_owned();
    let other = create_department(&hr, &admin, "ACCOUNTING", None).await;
    assert_eq!(sales["parent_id"], hq_id.as_str());

    // Everyone may read the tree.
    let reader = env.token(&[Role::Employee]);
    let tree = hr.get("/api/v1/departments/tree", Some(&reader)).await;
    assert_eq!(tree.status, 200, "{}", tree.body);
    let roots = tree.body.as_array().unwrap();
    let root_codes: Vec<&str> = roots.iter().map(|n| text(n, "code")).collect();
    assert_eq!(root_codes.len(), 2, "{}", tree.body);
    assert!(
        root_codes.contains(&"HQ") && root_codes.contains(&"ACCOUNTING"),
        "{root_codes:?}"
    );
    let hq_node = roots.iter().find(|n| n["id"] == hq_id.as_str()).unwrap();
    let hq_children = hq_node["children"].as_array().unwrap();
    assert_eq!(hq_children.len(), 1, "{hq_node}");
    assert_eq!(hq_children[0]["id"], sales_id.as_str());
    let sales_children = hq_children[0]["children"].as_array().unwrap();
    assert_eq!(sales_children.len(), 1, "{hq_node}");
    assert_eq!(sales_children[0]["id"], hn_id.as_str());
    assert_eq!(sales_children[0]["code"], "SALES-HN");
    assert_eq!(sales_children[0]["children"], json!([]));
    let acc_node = roots.iter().find(|n| n["id"] == other["id"]).unwrap();
    assert_eq!(acc_node["children"], json!([]));

    // HQ under its child, under its grandchild, or under itself: refused.
    for parent in [&sales_id, &hn_id, &hq_id] {
        let r = hr
            .put(
                &format!("/api/v1/departments/{hq_id}"),
                Some(&admin),
                &json!({ "code": "HQ", "name": "Head office", "parent_id": parent, "version": 1 }),
            )
            .await;
        r.assert_invalid_fields(&["parent_id"]);
    }
    let unchanged = hr.get(&format!("/api/v1/departments/{hq_id}"), Some(&admin)).await;
    assert_eq!(unchanged.status, 200, "{}", unchanged.body);
    assert_eq!(unchanged.body["parent_id"], Value::Null);
    assert_eq!(unchanged.body["version"], 1);

    // A legal move works: SALES-HN goes directly under HQ.
    let moved = hr
        .put(
            &format!("/api/v1/departments/{hn_id}"),
            Some(&admin),
            &json!({ "code": "SALES-HN", "name": "Sales Hà Nội", "parent_id": hq_id, "version": 1 }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["parent_id"], hq_id.as_str());
    assert_eq!(moved.body["version"], 2);
    let tree = hr.get("/api/v1/departments/tree", Some(&reader)).await;
    let hq_node = tree
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == hq_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(hq_node["children"].as_array().unwrap().len(), 2, "{hq_node}");

    // Duplicate code (case-insensitive) and an unknown parent.
    let dup = hr
        .post(
            "/api/v1/departments",
            Some(&admin),
            &json!({ "code": "hq", "name": "Again" }),
        )
        .await;
    dup.assert_problem(409);
    let orphan = hr
        .post(
            "/api/v1/departments",
            Some(&admin),
            &json!({ "code": "LOST", "name": "Lost", "parent_id": Uuid::now_v7() }),
        )
        .await;
    orphan.assert_invalid_fields(&["parent_id"]);
    // Only hr_admin changes departments.
    let r = hr
        .post(
            "/api/v1/departments",
            Some(&reader),
            &json!({ "code": "X", "name": "X" }),
        )
        .await;
    r.assert_problem(403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_manager_changes_never_make_a_loop_and_never_deadlock() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;
    for i in 0..10 {
        let a = create_employee(&hr, &admin, json!({"code": format!("A{i}"), "name": "A"})).await;
        let b = create_employee(&hr, &admin, json!({"code": format!("B{i}"), "name": "B"})).await;
        let (a_id, b_id) = (text(&a, "id").to_owned(), text(&b, "id").to_owned());
        let a_under_b = json!({"name": "A", "manager_id": b_id, "version": 1});
        let b_under_a = json!({"name": "B", "manager_id": a_id, "version": 1});
        let (a_path, b_path) = (format!("/api/v1/employees/{a_id}"), format!("/api/v1/employees/{b_id}"));
        let (r1, r2) = tokio::join!(
            hr.put(&a_path, Some(&admin), &a_under_b),
            hr.put(&b_path, Some(&admin), &b_under_a)
        );
        let mut statuses = [r1.status, r2.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 422],
            "exactly one of the two wins: {:?} {:?}",
            r1.body,
            r2.body
        );
    }
    #[derive(QueryableByName)]
    struct Deadlocks {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        deadlocks: i64,
    }
    let found = erp_db::with_conn(&hr.pool, |c| {
        Ok(
            diesel::sql_query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
                .get_result::<Deadlocks>(c)?,
        )
    })
    .await
    .unwrap();
    assert_eq!(found.deadlocks, 0, "the hierarchy lock is taken before the row lock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_limit_outside_1_to_200_is_refused_naming_it() {
    let env = TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;
    for bad in ["0", "-5", "201", "100000"] {
        let r = hr.get(&format!("/api/v1/employees?limit={bad}"), Some(&admin)).await;
        r.assert_invalid_fields(&["limit"]);
    }
    // Not a number at all: a malformed parameter.
    hr.get("/api/v1/employees?limit=ten", Some(&admin))
        .await
        .assert_problem(400);
    for good in ["1", "200"] {
        let r = hr.get(&format!("/api/v1/employees?limit={good}"), Some(&admin)).await;
        assert_eq!(r.status, 200, "limit={good}: {}", r.body);
    }
    // The documents say the bounds.
    let doc = hr.get("/api-docs/openapi.json", None).await;
    let limit = doc.body["paths"]["/api/v1/employees"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(
        (limit["schema"]["minimum"].clone(), limit["schema"]["maximum"].clone()),
        (json!(1), json!(200))
    );
}
