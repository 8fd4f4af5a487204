//! hr publishes `hr.employee.changed`; every other service builds its own directory from it.
//! Starts all six services in-process against the real PostgreSQL and RabbitMQ.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_testkit::{TestEnv, TestService, eventually};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn wait_ready(svc: &TestService) {
    let ok = eventually(Duration::from_secs(20), &mut || async {
        (svc.get("/readyz", None).await.status == 200).then_some(())
    })
    .await;
    assert!(ok.is_some(), "{} never became ready", svc.config.service);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_created_in_hr_appears_in_every_directory_within_a_second() {
    let env = TestEnv::new();
    // Consumers first, as scripts/run does: a queue must exist before the events it should hold
    // are published (hr publishes its first admin at start-up).
    let others = vec![
        env.start(crm::service()).await,
        env.start(purchasing::service()).await,
        env.start(warehouse::service()).await,
        env.start(production::service()).await,
        env.start(finance::service()).await,
    ];
    for s in &others {
        wait_ready(s).await;
    }
    let hr = env
        .start_with(hr::service(), |c| c.admin_password = Some("admin-pass-1".into()))
        .await;
    wait_ready(&hr).await;

    // Log in as the seeded admin: the token hr signs is accepted by every service.
    let login = hr
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"code": "admin", "password": "admin-pass-1"}),
        )
        .await;
    assert_eq!(login.status, 200, "{:?}", login.body);
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let admin_id = login.body["employee"]["id"].as_str().unwrap().to_owned();

    let dept = hr
        .post(
            "/api/v1/departments",
            Some(&token),
            &json!({"code": "KD", "name": "Phòng Kinh Doanh 销售部"}),
        )
        .await;
    assert_eq!(dept.status, 201, "{:?}", dept.body);
    let manager = hr
        .post(
            "/api/v1/employees",
            Some(&token),
            &json!({"code": "QL01", "name": "Trần Thị Bình", "department_id": dept.body["id"], "roles": ["sales_manager"]}),
        )
        .await;
    assert_eq!(manager.status, 201, "{:?}", manager.body);

    let started = Instant::now();
    let created = hr
        .post(
            "/api/v1/employees",
            Some(&token),
            &json!({
                "code": "NV001", "name": "Nguyễn Văn An", "department_id": dept.body["id"],
                "manager_id": manager.body["id"], "position": "Nhân viên kinh doanh", "roles": ["sales"]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/directory/employees/{id}");

    for svc in &others {
        let entry = eventually(
            Duration::from_secs(1).saturating_sub(started.elapsed()),
            &mut || async {
                let r = svc.get(&path, Some(&token)).await;
                (r.status == 200).then_some(r.body)
            },
        )
        .await
        .unwrap_or_else(|| panic!("{} did not show the employee within a second", svc.config.service));
        assert_eq!(entry["name"], "Nguyễn Văn An");
        assert_eq!(entry["department_name"], "Phòng Kinh Doanh 销售部");
        assert_eq!(entry["roles"], json!(["sales", "employee"]));
        assert_eq!(
            entry["manager_chain"][0]["code"], "QL01",
            "{}: {entry}",
            svc.config.service
        );
    }
    let elapsed = started.elapsed();
    println!("employee visible in all five directories after {elapsed:?}");

    // A change travels too, and an older revision delivered late does not undo it.
    let updated = hr
        .put(
            &format!("/api/v1/employees/{id}"),
            Some(&token),
            &json!({"name": "Nguyễn Văn An (HN)", "department_id": dept.body["id"], "manager_id": manager.body["id"],
                    "roles": ["sales", "technical"], "version": 1}),
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    let crm = &others[0];
    let seen = eventually(Duration::from_secs(5), &mut || async {
        let r = crm.get(&path, Some(&token)).await;
        (r.body["revision"] == json!(2)).then_some(r.body)
    })
    .await
    .expect("crm sees the change");
    assert_eq!(seen["name"], "Nguyễn Văn An (HN)");

    // Text search works on Vietnamese and Chinese as typed.
    let found = crm
        .get("/api/v1/directory/employees?q=v%C4%83n%20an", Some(&token))
        .await;
    assert_eq!(found.status, 200);
    let items: &Vec<Value> = found.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found:?}");

    // The admin (created at hr's first start) reached the directories as well.
    let admin = eventually(Duration::from_secs(5), &mut || async {
        let r = crm
            .get(&format!("/api/v1/directory/employees/{admin_id}"), Some(&token))
            .await;
        (r.status == 200).then_some(r.body)
    })
    .await
    .expect("the first admin is in crm's directory");
    assert_eq!(admin["roles"], json!(["hr_admin", "employee"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_require_a_token_and_answer_problems() {
    let env = TestEnv::new();
    let crm = env.start(crm::service()).await;
    let r = crm.get("/api/v1/directory/employees", None).await;
    assert_eq!(r.status, 401);
    assert!(r.is_problem());
    let token = env.token(&[erp_auth::Role::Sales]);
    let r = crm
        .get(
            &format!("/api/v1/directory/employees/{}", uuid::Uuid::now_v7()),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(r.is_problem());
    let r = crm.get("/api/v1/directory/employees/not-a-uuid", Some(&token)).await;
    assert_eq!(r.status, 400);
    assert!(r.is_problem());
    let r = crm.get("/api/v1/directory/employees?limit=abc", Some(&token)).await;
    assert_eq!(r.status, 400);
    assert!(r.is_problem());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_started_after_hr_catches_up_when_hr_republishes() {
    let env = TestEnv::new();
    let hr = env
        .start_with(hr::service(), |c| c.admin_password = Some("admin-pass-1".into()))
        .await;
    wait_ready(&hr).await;
    let login = hr
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"code": "admin", "password": "admin-pass-1"}),
        )
        .await;
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let admin_path = format!(
        "/api/v1/directory/employees/{}",
        login.body["employee"]["id"].as_str().unwrap()
    );
    // Let the admin's event go out while no crm queue exists yet.
    let sent = eventually(Duration::from_secs(5), &mut || async {
        let m = hr.get("/metrics", None).await.body;
        let text = m.as_str().unwrap_or_default().to_owned();
        text.lines()
            .any(|l| l.starts_with("events_published_total") && l.contains("hr.employee.changed") && l.ends_with(" 1"))
            .then_some(())
    })
    .await;
    assert!(sent.is_some(), "hr published its first admin");

    let crm = env.start(crm::service()).await;
    wait_ready(&crm).await;
    assert_eq!(
        crm.get(&admin_path, Some(&token)).await.status,
        404,
        "published before crm's queue existed"
    );

    let r = hr.post("/api/v1/employees/republish", Some(&token), &json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["published"], 1);
    let found = eventually(Duration::from_secs(5), &mut || async {
        (crm.get(&admin_path, Some(&token)).await.status == 200).then_some(())
    })
    .await;
    assert!(found.is_some(), "crm caught up");
    let sales = env.token(&[erp_auth::Role::Sales]);
    assert_eq!(
        hr.post("/api/v1/employees/republish", Some(&sales), &json!({}))
            .await
            .status,
        403
    );
}
