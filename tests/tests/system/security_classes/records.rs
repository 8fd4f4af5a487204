#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Record-level access (docs/security.md; ERPNext's report and portal advisories: a report must
//! not leak what a record read hides). One salesperson's customer, lead, opportunity, activity,
//! quotation waiting for approval and order are made in department A; then every GET operation
//! of crm (records, lists, reports, progress, change requests, approvals) is called as the
//! salesperson and the sales manager of department B, and as a colleague in A, with A's record
//! ids in every path. No answer may be a 200 that names one of those records or the customer.

use super::System;
use erp_auth::{CurrentUser, Role};
use erp_testkit::fixtures::{self, employee_changed};
use erp_testkit::{assert_status, id_of};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// The secret the customer's name carries, so that any answer naming it is caught.
const SECRET: &str = "Bí mật khách hàng A";

struct Made {
    ids: Vec<Uuid>,
}

async fn make_department_a(sys: &System, seller: &str) -> Made {
    let crm = sys.svc("crm");
    let mut ids = Vec::new();
    let customer = crm
        .post(
            "/api/v1/customers",
            Some(seller),
            &json!({"code": "KH-A", "name": SECRET, "kind": "company", "currency": "VND",
                    "payment_terms": "prepayment"}),
        )
        .await;
    assert_status(&customer, 201);
    let customer = id_of(&customer.body);
    ids.push(customer);
    let lead = crm
        .post(
            "/api/v1/leads",
            Some(seller),
            &json!({"channel": "website", "name": format!("{SECRET} (lead)"), "phone": "0901234567"}),
        )
        .await;
    assert_status(&lead, 201);
    ids.push(id_of(&lead.body));
    let opportunity = crm
        .post(
            "/api/v1/opportunities",
            Some(seller),
            &json!({"customer_id": customer, "name": "Dây chuyền A", "amount": "5000000"}),
        )
        .await;
    assert_status(&opportunity, 201);
    ids.push(id_of(&opportunity.body));
    let activity = crm
        .post(
            &format!("/api/v1/customers/{customer}/activities"),
            Some(seller),
            &json!({"kind": "call", "subject": "Gọi giới thiệu"}),
        )
        .await;
    assert_status(&activity, 201);
    ids.push(id_of(&activity.body));
    ids.extend(documents(sys, seller, customer).await);
    Made { ids }
}

/// A quotation left waiting for the manager's approval and a draft order.
async fn documents(sys: &System, seller: &str, customer: Uuid) -> Vec<Uuid> {
    let crm = sys.svc("crm");
    let item = Uuid::now_v7();
    crm.publish_event(
        "warehouse",
        &fixtures::item("A-1", "Máy bơm A")
            .id(item)
            .standard_cost(Decimal::from(600_000))
            .build(),
    )
    .await;
    let known = crm
        .eventually(Duration::from_secs(10), || async {
            let r = crm.get("/api/v1/catalogue/items?q=A-1", Some(seller)).await;
            r.body["items"].as_array().is_some_and(|a| !a.is_empty()).then_some(())
        })
        .await;
    assert!(known.is_some(), "the item reached crm");
    let lines = json!([{"item_id": item, "quantity": "2", "unit_price": "1000000", "tax_rate_pct": "10"}]);
    let valid_until = (erp_calendar::today() + chrono::Days::new(30)).to_string();
    let quotation = crm
        .post(
            "/api/v1/quotations",
            Some(seller),
            &json!({"customer_id": customer, "valid_until": valid_until, "lines": lines}),
        )
        .await;
    assert_status(&quotation, 201);
    let quotation = id_of(&quotation.body);
    let r = crm
        .post(
            &format!("/api/v1/quotations/{quotation}/submit"),
            Some(seller),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    let order = crm
        .post(
            "/api/v1/orders",
            Some(seller),
            &json!({"customer_id": customer, "seller": {"name": "Công ty của chúng tôi"}, "lines": lines}),
        )
        .await;
    assert_status(&order, 201);
    vec![quotation, id_of(&order.body)]
}

fn person(name: &str, role: Role, department: Uuid, manager: Option<Uuid>) -> CurrentUser {
    let p = fixtures::person(name).roles(&[role]).department(department);
    match manager {
        Some(m) => p.manager(m).build(),
        None => p.build(),
    }
}

/// Every GET path of crm with `id` in its path parameters (or none).
fn get_paths(id: Uuid) -> Vec<String> {
    let doc = serde_json::to_value(erp_server::openapi(&crm::service())).unwrap();
    let mut paths = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() || ["/healthz", "/readyz", "/metrics"].contains(&path.as_str()) {
            continue;
        }
        let mut url = path.clone();
        while let (Some(a), Some(b)) = (url.find('{'), url.find('}')) {
            url.replace_range(a..=b, &id.to_string());
        }
        paths.push(url);
    }
    paths
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_read_list_or_report_shows_another_departments_records() {
    let sys = System::start().await;
    let crm = sys.svc("crm");
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let manager_a = person("Quản lý A", Role::SalesManager, a, None);
    let seller_a = person("Bán hàng A", Role::Sales, a, Some(manager_a.id));
    let colleague_a = person("Đồng nghiệp A", Role::Sales, a, Some(manager_a.id));
    let manager_b = person("Quản lý B", Role::SalesManager, b, None);
    let seller_b = person("Bán hàng B", Role::Sales, b, Some(manager_b.id));
    let mut rows: Vec<_> = [&manager_a, &seller_a, &colleague_a]
        .iter()
        .map(|p| employee_changed(p, "KD-A", "Phòng Kinh Doanh A"))
        .collect();
    rows.extend(
        [&manager_b, &seller_b]
            .iter()
            .map(|p| employee_changed(p, "KD-B", "Phòng Kinh Doanh B")),
    );
    crm.apply_employees(rows).await;
    let made = make_department_a(&sys, &sys.env.token_for(&seller_a)).await;

    let outsiders = [
        ("the salesperson of B", sys.env.token_for(&seller_b)),
        ("the sales manager of B", sys.env.token_for(&manager_b)),
        ("a colleague in A", sys.env.token_for(&colleague_a)),
    ];
    let names = |body: &Value| {
        let text = body.to_string();
        text.contains(SECRET) || made.ids.iter().any(|id| text.contains(&id.to_string()))
    };
    let mut failures = Vec::new();
    let mut cases = 0;
    for id in made.ids.iter().copied().chain([Uuid::nil()]) {
        for path in get_paths(id) {
            if id == Uuid::nil() && path.contains(&Uuid::nil().to_string()) {
                continue;
            }
            if id != Uuid::nil() && !path.contains(&id.to_string()) {
                continue;
            }
            for (who, token) in &outsiders {
                cases += 1;
                let r = crm.get(&path, Some(token)).await;
                if r.status == 200 && names(&r.body) {
                    failures.push(format!("{who}: GET {path} shows A's records: {}", r.body));
                }
            }
        }
    }
    // The owner sees them: the check above would notice the records if they were there.
    let owner = sys.env.token_for(&seller_a);
    for path in [
        "/api/v1/customers",
        "/api/v1/quotations",
        "/api/v1/orders",
        "/api/v1/leads",
        "/api/v1/opportunities",
    ] {
        let r = crm.get(path, Some(&owner)).await;
        assert!(
            r.status == 200 && names(&r.body),
            "the owner does not see {path}: {}",
            r.body
        );
    }
    println!("records: {cases} reads of department A's records by outsiders, none shown");
    assert!(failures.is_empty(), "records leaked:\n{}", failures.join("\n"));
}
