//! Temporary: dumps the OpenAPI document (removed before finishing).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#[test]
fn dump() {
    let out = std::env::var("WH_OPENAPI_OUT").unwrap_or_else(|_| "/tmp/wh_openapi.json".into());
    std::fs::write(out, erp_server::openapi(&warehouse::service()).to_pretty_json().unwrap() + "\n").unwrap();
}
