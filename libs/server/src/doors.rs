//! The door of every operation (docs/security.md): the service's table of [`Door`]s, enforced
//! here before any handler runs and written into the OpenAPI document, so what the document
//! says and what the server does come from one declaration. A caller with a valid token outside
//! an operation's roles gets 403 (404 where the record's existence is hidden); a missing or bad
//! token is left to the handler's extractor (401).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use erp_auth::{Access, CurrentUser, Door, JwtKeys};
use erp_problem::AppError;
use std::collections::HashMap;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::Operation;

/// The doors of one service, by method and path pattern.
#[derive(Debug, Default)]
pub struct Doors {
    by_route: HashMap<(String, String), Access>,
}

impl Doors {
    pub fn new(doors: &[Door]) -> Self {
        Doors {
            by_route: doors
                .iter()
                .map(|d| ((d.method.to_uppercase(), d.path.to_owned()), d.access))
                .collect(),
        }
    }

    pub fn get(&self, method: &str, path: &str) -> Option<Access> {
        self.by_route.get(&(method.to_uppercase(), path.to_owned())).copied()
    }
}

/// Every service's platform operations (libs/server platform.rs).
pub const PLATFORM: &[Door] = &[
    erp_auth::door("GET", "/healthz", Access::Public),
    erp_auth::door("GET", "/readyz", Access::Public),
    // Prometheus scrapes without a token: route names and counts, no business data.
    erp_auth::door("GET", "/metrics", Access::Public),
    erp_auth::door("GET", "/api/v1/events/catalog", Access::Public),
    erp_auth::door("GET", "/api/v1/events/asyncapi.json", Access::Public),
    erp_auth::door(
        "GET",
        "/api/v1/dead-letters",
        Access::Roles(&crate::platform::OPERATOR_ROLES),
    ),
    erp_auth::door(
        "POST",
        "/api/v1/dead-letters/{id}/replay",
        Access::Roles(&crate::platform::OPERATOR_ROLES),
    ),
];

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(refusal) = refusal(&req) {
        let res = refusal.error_response();
        return Ok(req.into_response(res).map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

/// Why the caller may not pass, when it has a valid token and the operation names roles it
/// lacks.
fn refusal(req: &ServiceRequest) -> Option<AppError> {
    let doors = req.app_data::<web::Data<Doors>>()?;
    let pattern = req.match_pattern()?;
    let access = doors.get(req.method().as_str(), &pattern)?;
    access.roles()?;
    let keys = req.app_data::<web::Data<JwtKeys>>()?;
    let claims = keys.verify(erp_auth::bearer(req.request()).ok()?).ok()?;
    let user = CurrentUser::from_claims(claims);
    if access.admits(&user) {
        return None;
    }
    Some(match access {
        Access::Hidden(_) => AppError::not_found("record"),
        _ => AppError::Forbidden(
            access
                .describe()
                .replace("Access: roles", "this action needs one of the roles:"),
        ),
    })
}

/// Writes each operation's door into the document: `x-access` (`kind`: public, authenticated,
/// approver or roles; `roles`: the roles named) and a sentence at the end of its description.
/// An operation without a door says so (`kind: undeclared`), which the system tests refuse. One
/// extension key, so the document is written in the same order every time.
pub fn document(api: &mut OpenApi, doors: &Doors) {
    for (path, item) in api.paths.paths.iter_mut() {
        let ops = [
            ("GET", &mut item.get),
            ("PUT", &mut item.put),
            ("POST", &mut item.post),
            ("DELETE", &mut item.delete),
            ("PATCH", &mut item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                describe(op, doors.get(method, path));
            }
        }
    }
}

fn describe(op: &mut Operation, access: Option<Access>) {
    let extensions = op.extensions.get_or_insert_with(Default::default);
    let Some(access) = access else {
        extensions.insert("x-access".into(), serde_json::json!({ "kind": "undeclared" }));
        return;
    };
    let roles: Vec<&str> = access.roles().unwrap_or_default().iter().map(|r| r.as_str()).collect();
    extensions.insert(
        "x-access".into(),
        serde_json::json!({ "kind": access.kind(), "roles": roles }),
    );
    let sentence = access.describe();
    op.description = Some(match op.description.take() {
        Some(d) if !d.is_empty() => format!("{d}\n\n{sentence}"),
        _ => sentence,
    });
}
