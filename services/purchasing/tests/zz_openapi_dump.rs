//! Temporary: dumps the OpenAPI document for comparison (removed before finishing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn dump_openapi() {
    let out = std::env::var("OPENAPI_OUT").unwrap_or_else(|_| "/tmp/h4/openapi.json".into());
    let s = erp_server::openapi(&purchasing::service()).to_pretty_json().unwrap() + "\n";
    std::fs::write(out, s).unwrap();
}
