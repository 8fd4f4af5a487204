//! The responses every operation shares, added to the OpenAPI document in one place: handlers
//! list only the responses that mean something specific to them (docs/architecture.md).

use erp_problem::{FieldError, Problem};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

const PROBLEM_JSON: &str = "application/problem+json";

/// The standard problems and when an operation can give them.
const STANDARD: [(&str, &str); 5] = [
    ("400", "malformed JSON, parameter or path"),
    ("401", "no access token, or a bad or expired one"),
    ("403", "the caller's roles do not allow this"),
    ("404", "unknown, or not visible to the caller"),
    ("422", "invalid values: `errors` names each field and why"),
];

/// Adds the standard problems to every operation that has not described them itself: all five
/// to the ones that need a token (an id in a body can be unknown as well as one in the path);
/// 400, 401 and 422 to the open ones that take input (a bad credential is a 401 there); none to
/// the open ones without input. Responses without a description get their status's reason phrase.
pub fn describe(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert(Problem::name().into_owned(), Problem::schema());
    components
        .schemas
        .insert(FieldError::name().into_owned(), FieldError::schema());
    for item in api.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for op in ops.into_iter().flatten() {
            add_standard(op);
            describe_plain(op);
            bound_limits(op);
        }
    }
    api
}

fn add_standard(op: &mut Operation) {
    let open = op.security.as_ref().is_some_and(|s| {
        s.iter()
            .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
    });
    let takes_input = op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    for (status, description) in STANDARD {
        let applies = !open || (takes_input && matches!(status, "400" | "401" | "422"));
        if applies && !op.responses.responses.contains_key(status) {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build();
            op.responses.responses.insert(status.to_owned(), RefOr::T(response));
        }
    }
}

/// Every `limit` parameter says its bounds and default, as the server enforces them
/// (`check_limit` in lib.rs), so that a generated client knows them.
fn bound_limits(op: &mut Operation) {
    use utoipa::openapi::schema::Schema;
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        if p.name != "limit" {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut() {
            o.minimum = Some(1.into());
            o.maximum = Some((erp_db::MAX_PAGE as isize).into());
            o.default = Some(erp_db::DEFAULT_PAGE.into());
        }
        if p.description.as_deref().is_none_or(str::is_empty) {
            p.description = Some(format!("1–{}, default {}.", erp_db::MAX_PAGE, erp_db::DEFAULT_PAGE));
        }
    }
}

/// OpenAPI requires a description on every response; where a handler gave none, the status's
/// reason phrase is used.
fn describe_plain(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(r) = response
            && r.description.is_empty()
        {
            r.description = status
                .parse::<u16>()
                .ok()
                .and_then(|c| actix_web::http::StatusCode::from_u16(c).ok())
                .and_then(|c| c.canonical_reason())
                .unwrap_or("Response")
                .to_owned();
        }
    }
}
