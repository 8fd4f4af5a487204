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
                let door = op["x-access"]["kind"].as_str().unwrap_or("missing");
                assert!(
                    ["public", "authenticated", "approver", "roles"].contains(&door),
                    "{} {method} {path} has no door (x-access {door}): add it to the service's doors",
                    def.name
                );
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

/// The event catalog as an AsyncAPI 3 document: a channel per event type on the events
/// exchange (routing key = type), the envelope every message travels in and the payload's JSON
/// Schema, generated from the contract types. Committed as `asyncapi/events.json`, served by
/// every service at `/api/v1/events/asyncapi.json`.
fn asyncapi() -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let (mut channels, mut operations, mut messages) = (Map::new(), Map::new(), Map::new());
    for e in erp_contracts::catalog() {
        let payload = match e.payload_schema {
            Some(schema) => schema(),
            None if e.event_type.ends_with(".approval.requested") => {
                erp_contracts::json_schema::<erp_approval::ApprovalRequested>()
            }
            None => erp_contracts::json_schema::<erp_approval::ApprovalDecided>(),
        };
        let t = e.event_type;
        let consumers = if e.consumers.is_empty() {
            "integrators".to_owned()
        } else {
            e.consumers.join(", ")
        };
        channels.insert(
            t.into(),
            json!({
                "address": t,
                "description": format!("{}; consumed by {consumers}", e.description),
                "messages": { t: { "$ref": format!("#/components/messages/{t}") } },
                "bindings": { "amqp": {
                    "is": "routingKey",
                    "exchange": { "name": "erp.events", "type": "topic", "durable": true,
                                  "autoDelete": false, "vhost": "/" },
                    "bindingVersion": "0.3.0",
                } },
            }),
        );
        operations.insert(
            format!("{t}.send"),
            json!({
                "action": "send",
                "channel": { "$ref": format!("#/channels/{t}") },
                "summary": format!("{} publishes {t} v{}", e.producer, e.version),
                "messages": [{ "$ref": format!("#/channels/{t}/messages/{t}") }],
            }),
        );
        let mut envelope = envelope_schema();
        envelope["properties"]["type"]["const"] = json!(t);
        envelope["properties"]["version"]["const"] = json!(e.version);
        envelope["properties"]["data"] = payload;
        messages.insert(
            t.into(),
            json!({
                "name": t,
                "title": t,
                "summary": e.description,
                "contentType": "application/json",
                "correlationId": { "location": "$message.payload#/correlation_id" },
                "payload": envelope,
            }),
        );
    }
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "ERP events",
            "version": "1.0.0",
            "description": "Every event the services publish on the RabbitMQ topic exchange `erp.events` (`EVENTS_EXCHANGE`), routed by its type. Bind a queue of your own with a routing key per type (or a pattern such as `crm.#`). A message is the envelope; `data` is the payload of the type's version. Consumers ignore fields they do not know; a breaking change gets a new version published beside the old.",
        },
        "defaultContentType": "application/json",
        "servers": { "broker": { "host": "localhost:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
                                 "description": "the company's RabbitMQ (AMQP_URL)" } },
        "channels": Value::Object(channels),
        "operations": Value::Object(operations),
        "components": { "messages": Value::Object(messages) },
    })
}

/// The envelope of every message (`libs/bus`).
fn envelope_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "required": ["id", "type", "version", "source", "occurred_at", "correlation_id", "actor", "data"],
        "properties": {
            "id": { "type": "string", "format": "uuid", "description": "the event's id; a consumer records it to ignore a redelivery" },
            "type": { "type": "string" },
            "version": { "type": "integer" },
            "source": { "type": "string", "description": "the producing service" },
            "occurred_at": { "type": "string", "format": "date-time" },
            "correlation_id": { "type": "string", "format": "uuid", "description": "the business flow the event belongs to" },
            "causation_id": { "type": ["string", "null"], "format": "uuid", "description": "the event or request that caused this one" },
            "actor": { "type": "string", "description": "an employee's id, or `service:<name>`" },
            "data": {},
        },
    })
}

#[test]
fn committed_asyncapi_document_matches_the_code() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../asyncapi/events.json");
    let generated = serde_json::to_string_pretty(&asyncapi()).unwrap() + "\n";
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "asyncapi/events.json differs from the code; run `scripts/openapi` and commit it"
    );
}
