//! The committed `openapi/<service>.json` must be what the code generates. Run with
//! `UPDATE_OPENAPI=1` (or `scripts/openapi`) to rewrite them after an API change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_server::ServiceDef;
use std::path::PathBuf;

fn services() -> Vec<ServiceDef> {
    vec![
        hr::service(),
        crm::service(),
        purchasing::service(),
        warehouse::service(),
        production::service(),
        finance::service(),
    ]
}

#[test]
fn committed_openapi_documents_match_the_code() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    let update = std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for def in services() {
        let generated = erp_server::openapi(&def).to_pretty_json().unwrap() + "\n";
        let path = dir.join(format!("{}.json", def.name));
        if update {
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "OpenAPI documents differ from the code: {stale:?}; run `scripts/openapi` and commit them"
    );
}

#[test]
fn every_operation_documents_its_errors_and_every_path_is_versioned() {
    for def in services() {
        let doc = serde_json::to_value(erp_server::openapi(&def)).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let mut operation_ids = std::collections::HashSet::new();
        for (path, item) in paths {
            let open = ["/healthz", "/readyz", "/metrics", "/api/v1/events/catalog"].contains(&path.as_str());
            assert!(
                open || path.starts_with("/api/v1/"),
                "{}: {path} is not under /api/v1",
                def.name
            );
            for (method, op) in item.as_object().unwrap() {
                let operation_id = op["operationId"].as_str().unwrap().to_owned();
                assert!(
                    operation_ids.insert(operation_id.clone()),
                    "{}: operationId {operation_id} twice",
                    def.name
                );
                let responses = op["responses"].as_object().unwrap();
                for (status, r) in responses {
                    assert!(
                        r.get("description").is_some(),
                        "{} {method} {path} {status} has no description",
                        def.name
                    );
                }
                let secured = op.get("security").is_none_or(|s| {
                    s.as_array()
                        .is_some_and(|a| !a.iter().all(|x| x.as_object().is_some_and(|o| o.is_empty())))
                });
                if secured && !open {
                    assert!(
                        responses.contains_key("401"),
                        "{} {method} {path} does not document 401",
                        def.name
                    );
                }
            }
        }
    }
}

/// A service that runs the approval engine (its documents publish `<service>.approval.*`)
/// has those two events in the catalog, and only such a service.
#[test]
fn every_service_deciding_approvals_has_its_approval_events_in_the_catalog() {
    let catalog: Vec<&str> = erp_contracts::catalog().iter().map(|e| e.event_type).collect();
    for def in services() {
        let doc = erp_server::openapi(&def);
        let decides = doc.paths.paths.contains_key("/api/v1/approvals");
        let listed = erp_contracts::APPROVAL_EVENTS.iter().any(|(svc, ..)| *svc == def.name);
        assert_eq!(
            decides, listed,
            "{}: approval routes and APPROVAL_EVENTS disagree",
            def.name
        );
        if decides {
            for t in [
                format!("{}.approval.requested", def.name),
                format!("{}.approval.decided", def.name),
            ] {
                assert!(catalog.contains(&t.as_str()), "{t} is published but not in the catalog");
            }
        }
    }
}
