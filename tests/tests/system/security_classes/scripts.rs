#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Stored scripts (docs/security.md): markup and injection strings written into free-text fields
//! of every service come back byte for byte, as JSON data (never `text/html`), with `nosniff`
//! and a Content-Security-Policy that runs nothing; the console renders them as text.

use super::System;
use erp_testkit::{Resp, id_of};
use serde_json::{Value, json};

const MARKUP: [&str; 4] = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(document.cookie)>",
    "'; DROP TABLE customers; -- {{7*7}} ${7*7}",
];

/// One free-text field written with `body` at `post`, read back at `get` (`{id}` replaced).
struct Field {
    service: &'static str,
    post: &'static str,
    get: &'static str,
    name: &'static str,
    body: fn(&str, usize) -> Value,
}

fn fields() -> Vec<Field> {
    vec![
        Field {
            service: "crm",
            post: "/api/v1/customers",
            get: "/api/v1/customers/{id}",
            name: "name",
            body: |s, i| {
                json!({"code": format!("KH-X{i}"), "name": s, "kind": "company", "currency": "VND",
                       "payment_terms": "prepayment"})
            },
        },
        Field {
            service: "crm",
            post: "/api/v1/customers",
            get: "/api/v1/customers/{id}",
            name: "address",
            body: |s, i| {
                json!({"code": format!("KH-Y{i}"), "name": "Công ty", "address": s, "kind": "company",
                       "currency": "VND", "payment_terms": "prepayment"})
            },
        },
        Field {
            service: "crm",
            post: "/api/v1/leads",
            get: "/api/v1/leads/{id}",
            name: "need",
            body: |s, _| json!({"channel": "website", "name": "Công ty Bình Minh", "phone": "0901234567", "need": s}),
        },
        Field {
            service: "purchasing",
            post: "/api/v1/suppliers",
            get: "/api/v1/suppliers/{id}",
            name: "name",
            body: |s, i| {
                json!({"code": format!("NCC-X{i}"), "name": s, "currency": "VND", "payment_terms": "30 ngày",
                       "payment_days": 30})
            },
        },
        Field {
            service: "warehouse",
            post: "/api/v1/items",
            get: "/api/v1/items/{id}",
            name: "name",
            body: |s, i| json!({"sku": format!("X-{i}"), "name": s, "unit": "pcs", "kind": "material", "standard_cost": "1"}),
        },
        Field {
            service: "warehouse",
            post: "/api/v1/warehouses",
            get: "/api/v1/warehouses/{id}",
            name: "name",
            body: |s, i| json!({"code": format!("WX{i}"), "name": s}),
        },
        Field {
            service: "hr",
            post: "/api/v1/departments",
            get: "/api/v1/departments/{id}",
            name: "name",
            body: |s, i| json!({"code": format!("PX{i}"), "name": s}),
        },
        Field {
            service: "hr",
            post: "/api/v1/employees",
            get: "/api/v1/employees/{id}",
            name: "position",
            body: |s, i| json!({"code": format!("NVX{i}"), "name": "Nhân viên", "position": s, "roles": ["sales"]}),
        },
    ]
}

/// What is wrong with `r` as an answer carrying `expected` in `field`, if anything.
fn check(r: &Resp, field: &str, expected: &str) -> Option<String> {
    if !r.content_type.starts_with("application/json") {
        return Some(format!("content type {}", r.content_type));
    }
    (r.body[field] != json!(expected)).then(|| format!("{field} came back as {}", r.body[field]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_free_text_comes_back_as_data() {
    let sys = System::start().await;
    let all = sys.everything();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (f, field) in fields().iter().enumerate() {
        let svc = sys.svc(field.service);
        for (m, text) in MARKUP.iter().enumerate() {
            cases += 1;
            let what = format!("{} {}.{} = {text}", field.service, field.post, field.name);
            let created = svc.post(field.post, Some(&all), &(field.body)(text, f * 10 + m)).await;
            if created.status != 201 {
                failures.push(format!("{what}: not created: {} {}", created.status, created.body));
                continue;
            }
            let read = svc
                .get(
                    &field.get.replace("{id}", &id_of(&created.body).to_string()),
                    Some(&all),
                )
                .await;
            for (how, r) in [("as created", &created), ("read back", &read)] {
                if let Some(why) = check(r, field.name, text) {
                    failures.push(format!("{what} ({how}): {why}"));
                }
            }
        }
    }
    println!(
        "stored scripts: {cases} values in {} fields came back as data",
        fields().len()
    );
    assert!(
        failures.is_empty(),
        "markup not returned as data:\n{}",
        failures.join("\n")
    );
}
