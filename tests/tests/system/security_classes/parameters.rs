//! Query parameters outside what the documents allow: every enum parameter of every list and
//! report of the six services refuses a value that is not one of its names, and every bounded
//! number one outside its bounds, with a 422 naming the parameter; a generated client knows the
//! same names and bounds from the documents.

use super::System;
use serde_json::Value;

/// The schema behind a `$ref` of the document, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

/// `(path, parameter, value)`: for every GET without path parameters, a value each enum or
/// bounded query parameter must refuse.
fn refusable(doc: &Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get").filter(|_| !path.contains('{')) else {
            continue;
        };
        for p in op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
        {
            let name = p["name"].as_str().unwrap().to_owned();
            let schema = resolve(doc, &p["schema"]);
            if schema.get("enum").is_some() {
                found.push((path.clone(), name.clone(), "no-such-name".into()));
            }
            if let Some(min) = schema["minimum"].as_i64() {
                found.push((path.clone(), name.clone(), (min - 1).to_string()));
            }
            if let Some(max) = schema["maximum"].as_i64() {
                found.push((path.clone(), name.clone(), (max + 1).to_string()));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_enum_and_bounded_query_parameter_refuses_what_the_documents_exclude() {
    let sys = System::start().await;
    let all = sys.everything();
    let mut failures = Vec::new();
    let mut cases = 0;
    for def in super::super::security_matrix::service_defs() {
        let doc = serde_json::to_value(erp_server::openapi(&def)).unwrap();
        let svc = sys.svc(def.name);
        for (path, param, value) in refusable(&doc) {
            cases += 1;
            let r = svc.get(&format!("{path}?{param}={value}"), Some(&all)).await;
            if r.status != 422 || !r.error_fields().contains(&param) {
                failures.push(format!(
                    "{} GET {path}?{param}={value}: {} {}",
                    def.name, r.status, r.body
                ));
            }
        }
    }
    eprintln!("parameters: {cases} values outside the documents tried");
    assert!(cases > 50, "only {cases} enum or bounded parameters found");
    assert!(
        failures.is_empty(),
        "accepted or refused without naming the parameter:\n{}",
        failures.join("\n")
    );
}
