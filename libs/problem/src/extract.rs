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

pub fn query_error_handler(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid query parameter: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn empty_body_is_400() {
        assert!(matches!(parse_json::<Doc>(b"  ").unwrap_err(), AppError::BadRequest(_)));
    }
}
