#![allow(clippy::unwrap_used, clippy::expect_used)]
//! SQL injection (docs/security.md; ERPNext CVE-2025-58439 and CVE-2025-66439, Frappe
//! CVE-2024-24813 came through filter, sort and search parameters): every text query parameter
//! of every list and report of every service is sent the classic payloads. None may answer 5xx,
//! and none may find more than a harmless value that matches nothing finds, with records in
//! every searchable table.

use super::System;
use erp_testkit::assert_status;
use serde_json::{Value, json};

/// What an attacker sends through a parameter.
const PAYLOADS: [&str; 8] = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "%' OR '%'='",
    "1; DROP TABLE approval_rules; --",
    "') OR ('a'='a",
    "\" OR \"\"=\"",
    "' UNION SELECT NULL, version() --",
    "x' AND pg_sleep(2) IS NULL --",
];

/// Records in the tables the lists search, so that a working injection would show.
async fn seed(sys: &System) {
    let all = sys.everything();
    let crm = sys.svc("crm");
    for code in ["KH-INJ-1", "KH-INJ-2"] {
        let r = crm
            .post(
                "/api/v1/customers",
                Some(&all),
                &json!({"code": code, "name": format!("Công ty {code}"), "kind": "company", "currency": "VND",
                        "payment_terms": "prepayment"}),
            )
            .await;
        assert_status(&r, 201);
    }
    let pur = sys.svc("purchasing");
    for code in ["NCC-INJ-1", "NCC-INJ-2"] {
        let r = pur
            .post(
                "/api/v1/suppliers",
                Some(&all),
                &json!({"code": code, "name": format!("Nhà cung cấp {code}"), "currency": "VND",
                        "payment_terms": "30 ngày", "payment_days": 30}),
            )
            .await;
        assert_status(&r, 201);
    }
    let wh = sys.svc("warehouse");
    for sku in ["INJ-1", "INJ-2"] {
        let r = wh
            .post(
                "/api/v1/items",
                Some(&all),
                &json!({"sku": sku, "name": format!("Vật tư {sku}"), "unit": "pcs", "kind": "material",
                        "standard_cost": "1000"}),
            )
            .await;
        assert_status(&r, 201);
    }
    let hr = sys.svc("hr");
    let r = hr
        .post(
            "/api/v1/departments",
            Some(&all),
            &json!({"code": "INJ", "name": "Phòng thử"}),
        )
        .await;
    assert_status(&r, 201);
}

/// `(path, parameter)` of every GET without path parameters that takes a text query parameter.
fn text_parameters(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.contains('{') {
            continue;
        }
        let Some(op) = item.get("get") else { continue };
        for p in op["parameters"].as_array().into_iter().flatten() {
            let schema = &p["schema"];
            let text =
                schema["type"] == "string" || schema["type"].as_array().is_some_and(|t| t.contains(&json!("string")));
            if p["in"] == "query" && text && !["cursor", "limit"].contains(&p["name"].as_str().unwrap()) {
                found.push((path.clone(), p["name"].as_str().unwrap().to_owned()));
            }
        }
    }
    found
}

fn count(r: &erp_testkit::Resp) -> Option<usize> {
    if r.status != 200 {
        return None;
    }
    r.body["items"]
        .as_array()
        .map(Vec::len)
        .or_else(|| r.body.as_array().map(Vec::len))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_query_parameter_of_any_list_or_report_can_be_injected() {
    let sys = System::start().await;
    seed(&sys).await;
    let all = sys.everything();
    let mut failures = Vec::new();
    let mut cases = 0;
    for def in super::super::security_matrix::service_defs() {
        let doc = serde_json::to_value(erp_server::openapi(&def)).unwrap();
        let svc = sys.svc(def.name);
        for (path, param) in text_parameters(&doc) {
            let harmless = svc
                .get(&format!("{path}?{param}=zz-no-such-value-zz"), Some(&all))
                .await;
            for payload in PAYLOADS {
                cases += 1;
                let started = std::time::Instant::now();
                let r = svc
                    .get(&format!("{path}?{param}={}", encode(payload)), Some(&all))
                    .await;
                let what = format!("{} GET {path}?{param}={payload}", def.name);
                if r.status >= 500 {
                    failures.push(format!("{what}: {} {}", r.status, r.body));
                } else if started.elapsed().as_millis() >= 1900 {
                    failures.push(format!("{what}: took {:?} (pg_sleep ran?)", started.elapsed()));
                } else if let (Some(got), Some(base)) = (count(&r), count(&harmless)) {
                    if got > base {
                        failures.push(format!("{what}: {got} records, a harmless value finds {base}"));
                    }
                } else if count(&r).is_some() && harmless.status != 200 {
                    failures.push(format!(
                        "{what}: answered 200 where a harmless value is {}",
                        harmless.status
                    ));
                }
            }
        }
    }
    println!("injection: {cases} payloads through query parameters, none injected");
    assert!(cases > 100, "too few parameters found: {cases}");
    assert!(failures.is_empty(), "injection:\n{}", failures.join("\n"));
}
