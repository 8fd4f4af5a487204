//! Who may grant which roles (docs/security.md, privilege escalation): an hr admin appoints the
//! first general manager and nobody after; only a general manager grants or withdraws the
//! governing roles; nobody changes their own roles; nor does an hr admin issue an API key with
//! one; a change of roles ends the employee's sessions.

use super::{ADMIN_PASSWORD, admin_token, create_employee, login, session, start_hr, text};
use serde_json::{Value, json};

fn hire(code: &str, roles: &[&str]) -> Value {
    json!({ "code": code, "name": format!("Người {code}"), "roles": roles, "password": ADMIN_PASSWORD })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governing_roles_are_granted_by_the_general_manager_alone() {
    let env = erp_testkit::TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;
    let me = hr.get("/api/v1/me", Some(&admin)).await;
    let (admin_id, admin_version) = (text(&me.body, "id").to_owned(), me.body["version"].clone());

    // The admin may not lift itself, with or without other changes.
    let r = hr
        .put(
            &format!("/api/v1/employees/{admin_id}"),
            Some(&admin),
            &json!({ "name": "Admin", "roles": ["hr_admin", "general_manager"], "version": admin_version }),
        )
        .await;
    r.assert_problem(403);
    assert!(r.body["detail"].as_str().unwrap().contains("own roles"), "{}", r.body);

    // Nor make a vice president or another hr admin.
    for role in ["vice_president", "hr_admin"] {
        let r = hr.post("/api/v1/employees", Some(&admin), &hire("X1", &[role])).await;
        r.assert_problem(403);
    }
    // The first general manager is the admin's to appoint; the second is not.
    let gm = create_employee(&hr, &admin, hire("GD01", &["general_manager"])).await;
    let r = hr
        .post("/api/v1/employees", Some(&admin), &hire("GD02", &["general_manager"]))
        .await;
    r.assert_problem(403);
    // Everyday roles stay the admin's to grant.
    let seller = create_employee(&hr, &admin, hire("NV01", &["sales"])).await;

    // The general manager grants and withdraws governing roles, never its own.
    let gm_token = text(&session(&hr, "GD01", ADMIN_PASSWORD).await, "access_token").to_owned();
    let vp = create_employee(&hr, &gm_token, hire("PGD01", &["vice_president"])).await;
    let r = hr
        .put(
            &format!("/api/v1/employees/{}", text(&vp, "id")),
            Some(&gm_token),
            &json!({ "name": "Phó giám đốc", "roles": ["vice_president", "hr_admin"], "version": vp["version"] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = hr
        .put(
            &format!("/api/v1/employees/{}", text(&gm, "id")),
            Some(&gm_token),
            &json!({ "name": "Giám đốc", "roles": [], "version": gm["version"] }),
        )
        .await;
    r.assert_problem(403);

    // The admin cannot take a governing role away either.
    let vp = hr
        .get(&format!("/api/v1/employees/{}", text(&vp, "id")), Some(&admin))
        .await
        .body;
    let r = hr
        .put(
            &format!("/api/v1/employees/{}", text(&vp, "id")),
            Some(&admin),
            &json!({ "name": "Phó giám đốc", "roles": ["sales"], "version": vp["version"] }),
        )
        .await;
    r.assert_problem(403);

    // An employee changes nobody's roles: the door is closed before any rule.
    let seller_token = text(&session(&hr, "NV01", ADMIN_PASSWORD).await, "access_token").to_owned();
    let r = hr
        .put(
            &format!("/api/v1/employees/{}", text(&seller, "id")),
            Some(&seller_token),
            &json!({ "name": "Người NV01", "roles": ["sales", "sales_manager"], "version": seller["version"] }),
        )
        .await;
    r.assert_problem(403);

    // An API key with a governing role is refused to an hr admin; a business role is not.
    for role in ["general_manager", "hr_admin"] {
        let r = hr
            .post(
                "/api/v1/api-keys",
                Some(&admin),
                &json!({ "name": "tích hợp", "roles": [role] }),
            )
            .await;
        r.assert_problem(403);
    }
    let r = hr
        .post(
            "/api/v1/api-keys",
            Some(&admin),
            &json!({ "name": "tích hợp", "roles": ["purchaser"] }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_of_roles_ends_the_sessions_issued_for_the_old_ones() {
    let env = erp_testkit::TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;
    let seller = create_employee(&hr, &admin, hire("NV02", &["sales"])).await;
    let before = session(&hr, "NV02", ADMIN_PASSWORD).await;

    // A change that leaves the roles alone keeps the session.
    let r = hr
        .put(
            &format!("/api/v1/employees/{}", text(&seller, "id")),
            Some(&admin),
            &json!({ "name": "Người bán", "roles": ["sales"], "version": seller["version"] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let refreshed = hr
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": before["refresh_token"] }),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);

    // A change of roles refuses the refresh at once; a new login carries the new roles.
    let r = hr
        .put(
            &format!("/api/v1/employees/{}", text(&seller, "id")),
            Some(&admin),
            &json!({ "name": "Người bán", "roles": ["sales", "marketing"], "version": r.body["version"] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = hr
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": refreshed.body["refresh_token"] }),
        )
        .await;
    r.assert_problem(401);
    let again = login(&hr, "NV02", ADMIN_PASSWORD).await;
    assert_eq!(again.status, 200, "{}", again.body);
    let roles = again.body["employee"]["roles"].clone();
    assert!(roles.as_array().unwrap().contains(&json!("marketing")), "{roles}");
}
