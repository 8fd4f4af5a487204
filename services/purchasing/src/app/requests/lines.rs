//! A request as entered: its input, the checks of its header and of its lines against the
//! catalogue.

use crate::db::requests::NewLine;
use crate::domain::requests::MANUAL_SOURCES;
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_money::LineInput;
use erp_problem::{AppError, FieldError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

const MAX_LINES: usize = 200;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestLineInput {
    pub item_id: Uuid,
    /// More than 0, at most 4 decimals (units like kg and m).
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// The request's date when absent.
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestInput {
    /// `manual` (default), `technical_spec`, `project` or `production_shortage`.
    pub source: Option<String>,
    /// What the request came from (the spec, the project, the production order); required for
    /// every source but `manual`.
    #[schema(value_type = Option<Object>)]
    pub source_ref: Option<serde_json::Value>,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub lines: Vec<RequestLineInput>,
    /// Required on update.
    pub version: Option<i64>,
}

/// Checks the header of a request a person enters; gives its source and what it came from.
pub(super) fn check_header(v: &mut Validator, input: &RequestInput) -> (String, serde_json::Value) {
    let source = clean(input.source.as_deref()).unwrap_or_else(|| "manual".to_owned());
    v.check(
        MANUAL_SOURCES.contains(&source.as_str()),
        "source",
        "must be manual, technical_spec, project or production_shortage",
    );
    let source_ref = input
        .source_ref
        .clone()
        .filter(|r| !r.is_null())
        .unwrap_or_else(|| serde_json::json!({}));
    let is_object = source_ref.is_object();
    v.check(is_object, "source_ref", "must be an object");
    let empty = source_ref.as_object().is_none_or(|o| o.is_empty());
    if source != "manual" && empty {
        v.add(
            "source_ref",
            format!("is required for a {source} request (what it came from)"),
        );
    }
    v.check(
        source_ref.to_string().len() <= 4000,
        "source_ref",
        "must be at most 4000 characters of JSON",
    );
    if let Some(d) = input.needed_by {
        v.check(d >= erp_calendar::today(), "needed_by", "must not be in the past");
    }
    v.optional_text("note", input.note.as_deref(), 4000);
    (source, source_ref)
}

/// The validator's errors, to be reported together with the lines'.
pub(super) fn errors_of(v: Validator) -> Vec<FieldError> {
    match v.finish() {
        Err(AppError::Validation(e)) => e,
        _ => Vec::new(),
    }
}

/// Checks the lines against the catalogue (an unknown or inactive item is a 422) and the
/// quantity rules; every problem (and `errors` found before) is reported at once.
pub(super) fn build_lines(
    c: &mut PgConnection,
    mut errors: Vec<FieldError>,
    lines: &[RequestLineInput],
) -> Result<Vec<NewLine>, AppError> {
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
    }
    if lines.len() > MAX_LINES {
        errors.push(FieldError::new("lines", format!("at most {MAX_LINES} lines")));
    }
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &ids)?;
    let today = erp_calendar::today();
    for (i, l) in lines.iter().enumerate() {
        match items.get(&l.item_id) {
            None => errors.push(FieldError::new(
                format!("lines[{i}].item_id"),
                "unknown item (not in the catalogue)",
            )),
            Some(item) if !item.active => errors.push(FieldError::new(
                format!("lines[{i}].item_id"),
                format!("item {} is not active", item.sku),
            )),
            Some(_) => {}
        }
        if let Some(d) = l.needed_by
            && d < today
        {
            errors.push(FieldError::new(
                format!("lines[{i}].needed_by"),
                "must not be in the past",
            ));
        }
        if l.note.as_deref().is_some_and(|n| n.chars().count() > 1000) {
            errors.push(FieldError::new(
                format!("lines[{i}].note"),
                "must be at most 1000 characters",
            ));
        }
    }
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: Decimal::ZERO,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: Decimal::ZERO,
        })
        .collect();
    for (field, message) in erp_money::validate_lines(&inputs) {
        errors.push(FieldError::new(field, message));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(lines
        .iter()
        .map(|l| NewLine {
            item_id: l.item_id,
            quantity: l.quantity.normalize(),
            needed_by: l.needed_by,
            note: clean(l.note.as_deref()),
        })
        .collect())
}
