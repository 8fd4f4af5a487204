//! Extractors and extractor error handlers that answer bad input with problem+json.

use crate::{AppError, FieldError, Problem};
use actix_web::{
    FromRequest, HttpRequest,
    dev::Payload,
    error::{InternalError, JsonPayloadError, PathError, QueryPayloadError},
    http::StatusCode,
    web,
};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

/// JSON body extractor: syntax errors are a 400, values of the wrong type or missing fields a
/// 422 naming the field (actix's own `Json` cannot say which field).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = match req.headers().get(actix_web::http::header::CONTENT_TYPE) {
            None => true,
            Some(v) => v
                .to_str()
                .map(|s| {
                    let s = s.to_ascii_lowercase();
                    s.starts_with("application/json") || s.contains("+json")
                })
                .unwrap_or(false),
        };
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(problem_error(
                    "content type",
                    Problem::new(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported-media-type",
                        "Unsupported media type",
                        "the request body must be application/json",
                    ),
                ));
            }
            let body = body.await.map_err(|e| {
                problem_error(
                    "payload",
                    Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload-too-large",
                        "Request body rejected",
                        format!("the request body could not be read: {e}"),
                    ),
                )
            })?;
            parse_json(&body).map(Json).map_err(actix_web::Error::from)
        })
    }
}

fn problem_error(cause: &'static str, problem: Problem) -> actix_web::Error {
    InternalError::from_response(cause, problem.response()).into()
}

/// Drops serde_json's " at line 1 column 7": the field path says more to an API client.
fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

/// `missing field `name`` is reported at the parent's path; point at the field itself.
fn field_path(parent: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (parent, missing) {
        (".", Some(name)) => name.to_owned(),
        (p, Some(name)) => format!("{p}.{name}"),
        (".", None) => "body".to_owned(),
        (p, None) => p.to_owned(),
    }
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::BadRequest(
            "the request body is empty; a JSON document is expected".into(),
        ));
    }
    reject_nul_text(body)?;
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let parent = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        let message = without_position(&message);
        match inner.classify() {
            Category::Data => AppError::Validation(vec![FieldError::new(field_path(&parent, message), message)]),
            Category::Syntax | Category::Eof | Category::Io => AppError::BadRequest(format!("malformed JSON: {inner}")),
        }
    })?;
    de.end()
        .map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// PostgreSQL text cannot hold U+0000, so a string with one would fail in the database as a 500;
/// it is refused up front as a 422 naming the field. JSON can only spell it `\u0000`, so the
/// body is only walked when that escape is in it.
fn reject_nul_text(body: &[u8]) -> Result<(), AppError> {
    if !body.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(()); // the typed parse reports the syntax error
    };
    match nul_path(&doc, String::new()) {
        Some(field) => Err(AppError::validation(
            if field.is_empty() { "body".to_owned() } else { field },
            "must not contain the NUL character (\\u0000)",
        )),
        None => Ok(()),
    }
}

/// The path (`lines[1].note`) of the first string or object key that holds U+0000.
fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0').then_some(at),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_path(v, format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let here = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            if k.contains('\0') {
                Some(here)
            } else {
                nul_path(v, here)
            }
        }),
        _ => None,
    }
}

/// The first query parameter (by name) or the path when the URI spells U+0000 (`%00`): refused
/// before any handler, for the same reason as in a JSON body.
pub fn reject_nul_in_uri(path: &str, query: &str) -> Result<(), AppError> {
    let has_nul = |s: &str| s.contains("%00");
    if has_nul(path) {
        return Err(AppError::BadRequest(
            "invalid path parameter: must not contain the NUL character (%00)".into(),
        ));
    }
    if let Some(pair) = query.split('&').find(|pair| has_nul(pair)) {
        let name = pair.split('=').next().unwrap_or(pair);
        return Err(AppError::BadRequest(format!(
            "invalid query parameter `{name}`: must not contain the NUL character (%00)"
        )));
    }
    Ok(())
}

/// For `web::JsonConfig::error_handler`, in case a handler uses actix's own `Json`.
pub fn json_error_handler(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    match err {
        JsonPayloadError::Deserialize(e) => {
            let message = e.to_string();
            let app = match e.classify() {
                Category::Data => AppError::validation("body", without_position(&message)),
                _ => AppError::BadRequest(format!("malformed JSON: {message}")),
            };
            app.into()
        }
        JsonPayloadError::ContentType => problem_error(
            "content type",
            Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "the request body must be application/json",
            ),
        ),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => problem_error(
            "payload",
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Request body rejected",
                "the request body is too large",
            ),
        ),
        other => AppError::BadRequest(format!("the request body could not be read: {other}")).into(),
    }
}

pub fn path_error_handler(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid path parameter: {err}")).into()
}

/// A query string that does not parse is a 400; a value outside a parameter's names (an
/// unknown state, say) is a 422 on that parameter, found by its value.
pub fn query_error_handler(err: QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    if let Some((field, expected)) = unknown_name(&message, req.query_string()) {
        return AppError::validation(field, expected).into();
    }
    AppError::BadRequest(format!("invalid query parameter: {message}")).into()
}

/// The parameter holding the value serde called an unknown variant, and what it expected.
fn unknown_name(message: &str, query: &str) -> Option<(String, String)> {
    let rest = message.split("unknown variant `").nth(1)?;
    let (value, rest) = rest.split_once('`')?;
    let expected = rest
        .trim_start_matches(", ")
        .trim_start_matches("expected ")
        .replace('`', "");
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .ok()?
        .into_inner();
    let (field, _) = pairs.into_iter().find(|(_, v)| v == value)?;
    Some((field, format!("must be {expected}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_name_in_the_query_is_found_by_its_value() {
        let message = "Query deserialize error: unknown variant `lost`, expected one of `pending`, `approved`";
        assert_eq!(
            unknown_name(message, "limit=5&status=lost"),
            Some(("status".into(), "must be one of pending, approved".into()))
        );
        assert_eq!(unknown_name("invalid digit found in string", "limit=ten"), None);
    }
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Line {
        quantity: u32,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Doc {
        name: String,
        lines: Vec<Line>,
    }

    #[test]
    fn syntax_error_is_400() {
        let err = parse_json::<Doc>(b"{\"name\": ").unwrap_err();
        assert!(matches!(err, AppError::BadRequest(_)), "{err:?}");
    }

    #[test]
    fn missing_field_names_the_field() {
        match parse_json::<Doc>(b"{\"lines\": []}").unwrap_err() {
            AppError::Validation(errs) => assert_eq!(errs[0].field, "name"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_type_names_the_nested_field() {
        let body = br#"{"name":"x","lines":[{"quantity":1},{"quantity":"two"}]}"#;
        match parse_json::<Doc>(body).unwrap_err() {
            AppError::Validation(errs) => {
                assert_eq!(errs[0].field, "lines[1].quantity");
                assert!(errs[0].message.contains("invalid type"), "{}", errs[0].message);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trailing_garbage_is_400() {
        let err = parse_json::<Doc>(br#"{"name":"x","lines":[]} xx"#).unwrap_err();
        assert!(matches!(err, AppError::BadRequest(_)));
    }

    #[test]
    fn nul_in_a_string_names_the_field() {
        let body = br#"{"name":"x","lines":[{"quantity":1,"note":"a\u0000b"}]}"#;
        match parse_json::<serde_json::Value>(body).unwrap_err() {
            AppError::Validation(errs) => assert_eq!(errs[0].field, "lines[0].note"),
            other => panic!("{other:?}"),
        }
        let escaped = br#"{"name":"\\u0000","lines":[]}"#; // a backslash, then "u0000"
        assert!(parse_json::<Doc>(escaped).is_ok());
    }

    #[test]
    fn nul_in_the_uri_is_400() {
        assert!(reject_nul_in_uri("/api/v1/items", "q=a&active=true").is_ok());
        match reject_nul_in_uri("/api/v1/items", "active=true&q=a%00b").unwrap_err() {
            AppError::BadRequest(d) => assert!(d.contains("`q`"), "{d}"),
            other => panic!("{other:?}"),
        }
        assert!(reject_nul_in_uri("/api/v1/items/%00", "").is_err());
    }

    #[test]
    fn empty_body_is_400() {
        assert!(matches!(parse_json::<Doc>(b"  ").unwrap_err(), AppError::BadRequest(_)));
    }
}
