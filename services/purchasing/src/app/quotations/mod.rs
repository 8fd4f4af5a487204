//! Supplier quotations for an approved purchase request (one per supplier), their comparison
//! line by line, and the supplier chosen: at least three quotations from different suppliers,
//! or the reason why not, reviewed by project control through the authority matrix (seed 000
//! §5.3).

mod approval;
mod comparison;
mod selection;

pub use approval::SupplierSelection;
pub use comparison::{ComparisonLineView, ComparisonView, OfferView, SupplierTotalView, compare};
pub use selection::{SelectionInput, SelectionView, choose, decide, get_selection};

use super::requests::visible;
use super::suppliers::active_supplier;
use crate::db::quotations::{self as db, NewQuotation, NewQuotationLine, QuotationLineRow, QuotationRow};
use crate::db::requests as request_db;
use crate::db::suppliers;
use crate::domain::quotations::SelectionStatus;
use crate::domain::requests::RequestStatus;
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_money::{Currency, LineInput};
use erp_problem::{AppError, FieldError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

/// The approval document type of a request's supplier selection (its id is the request's).
pub const SELECTION_DOCUMENT_TYPE: &str = "supplier_selection";

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct QuotationLineInput {
    /// A line of the purchase request.
    pub request_line_id: Uuid,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// VAT rate in percent.
    #[serde(default)]
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
    /// The requested quantity when absent.
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct QuotationInput {
    pub supplier_id: Uuid,
    /// The supplier's own number.
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// The supplier's currency when absent.
    pub currency: Option<String>,
    pub lead_time_days: i32,
    /// Payment, delivery and warranty terms as quoted.
    pub terms: Option<String>,
    pub lines: Vec<QuotationLineInput>,
}

/// A quotation with its supplier and lines.
#[derive(Debug, Clone)]
pub struct QuotationView {
    pub quotation: QuotationRow,
    pub supplier_code: String,
    pub supplier_name: String,
    pub lines: Vec<QuotationLineRow>,
}

fn check_quotation(input: &QuotationInput) -> Result<(), AppError> {
    let mut v = Validator::new();
    v.optional_text("reference", input.reference.as_deref(), 100)
        .optional_text("terms", input.terms.as_deref(), 2000);
    v.check(
        (0..=3650).contains(&input.lead_time_days),
        "lead_time_days",
        "must be between 0 and 3650",
    );
    if let Some(until) = input.valid_until {
        v.check(until >= input.quoted_on, "valid_until", "must not be before quoted_on");
    }
    v.check(
        input.quoted_on <= erp_calendar::today() + chrono::Days::new(1),
        "quoted_on",
        "must not be in the future",
    );
    v.finish()
}

fn views(c: &mut PgConnection, quotations: Vec<QuotationRow>) -> Result<Vec<QuotationView>, AppError> {
    let ids: Vec<Uuid> = quotations.iter().map(|q| q.id).collect();
    let supplier_ids: Vec<Uuid> = quotations.iter().map(|q| q.supplier_id).collect();
    let suppliers = suppliers::by_id(c, &supplier_ids)?;
    let mut lines: HashMap<Uuid, Vec<QuotationLineRow>> = HashMap::new();
    for l in db::lines_of(c, &ids)? {
        lines.entry(l.quotation_id).or_default().push(l);
    }
    quotations
        .into_iter()
        .map(|q| {
            let supplier = suppliers
                .get(&q.supplier_id)
                .ok_or_else(|| AppError::not_found("supplier"))?;
            Ok(QuotationView {
                supplier_code: supplier.code.clone(),
                supplier_name: supplier.name.clone(),
                lines: lines.remove(&q.id).unwrap_or_default(),
                quotation: q,
            })
        })
        .collect()
}

/// The quotations of a request the caller sees.
pub fn list(c: &mut PgConnection, user: &CurrentUser, request_id: Uuid) -> Result<Vec<QuotationView>, AppError> {
    visible(c, user, request_id, false)?;
    let quotations = db::of_request(c, request_id)?;
    views(c, quotations)
}

/// Records one supplier's quotation for an approved request; every line must be a line of the
/// request, totals follow the money rules.
pub fn record(
    c: &mut PgConnection,
    user: &CurrentUser,
    request_id: Uuid,
    input: &QuotationInput,
) -> Result<QuotationView, AppError> {
    check_quotation(input)?;
    let r = request_db::lock(c, request_id)?;
    if r.status != RequestStatus::Approved {
        return Err(AppError::wrong_state(format!(
            "quotations are collected for an approved purchase request; this one is {}",
            r.status
        )));
    }
    let current = db::selection(c, request_id)?.map(|s| s.status);
    if !SelectionStatus::takes_quotations(current) {
        let s = current.map(SelectionStatus::as_str).unwrap_or_default();
        return Err(AppError::wrong_state(format!(
            "a supplier has been chosen already (selection {s}); no more quotations"
        )));
    }
    let supplier = active_supplier(c, input.supplier_id, "supplier_id")?;
    if db::supplier_quoted(c, request_id, supplier.id)? {
        return Err(AppError::Conflict {
            slug: "duplicate",
            detail: format!(
                "supplier {} has already quoted for {}; one quotation per supplier",
                supplier.code, r.number
            ),
        });
    }
    let currency = Currency::parse(input.currency.as_deref().unwrap_or(&supplier.currency))
        .map_err(|e| AppError::validation("currency", e.to_string()))?;
    let request_lines = request_db::lines(c, request_id)?;
    let mut errors = Vec::new();
    if input.lines.is_empty() {
        errors.push(FieldError::new("lines", "must quote at least one line"));
    }
    let mut seen = HashSet::new();
    let mut inputs = Vec::with_capacity(input.lines.len());
    let mut items = Vec::with_capacity(input.lines.len());
    for (i, l) in input.lines.iter().enumerate() {
        let rl = request_lines.iter().find(|rl| rl.id == l.request_line_id);
        match rl {
            None => errors.push(FieldError::new(
                format!("lines[{i}].request_line_id"),
                format!("not a line of purchase request {}", r.number),
            )),
            Some(_) if !seen.insert(l.request_line_id) => errors.push(FieldError::new(
                format!("lines[{i}].request_line_id"),
                "the line is quoted twice",
            )),
            Some(_) => {}
        }
        items.push(rl.map(|rl| rl.item_id).unwrap_or_default());
        inputs.push(LineInput {
            quantity: l.quantity.or_else(|| rl.map(|rl| rl.quantity)).unwrap_or(Decimal::ONE),
            unit_price: l.unit_price,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: l.tax_rate_pct,
        });
    }
    for (field, message) in erp_money::validate_lines(&inputs) {
        errors.push(FieldError::new(field, message));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (computed, totals) =
        erp_money::document_totals(&inputs, currency).map_err(|e| AppError::validation("lines", e.to_string()))?;
    let quotation = NewQuotation {
        id: Uuid::now_v7(),
        request_id,
        supplier_id: supplier.id,
        reference: clean(input.reference.as_deref()),
        quoted_on: input.quoted_on,
        valid_until: input.valid_until,
        currency: currency.code().to_owned(),
        lead_time_days: input.lead_time_days,
        terms: clean(input.terms.as_deref()),
        net: totals.net,
        tax: totals.tax,
        total: totals.total,
        created_by: user.actor(),
    };
    let lines: Vec<NewQuotationLine> = input
        .lines
        .iter()
        .zip(&inputs)
        .zip(&computed)
        .zip(&items)
        .map(|(((l, li), t), item_id)| NewQuotationLine {
            id: Uuid::now_v7(),
            quotation_id: quotation.id,
            request_line_id: l.request_line_id,
            item_id: *item_id,
            quantity: li.quantity,
            unit_price: li.unit_price,
            tax_rate: li.tax_rate_pct,
            net: t.net,
            tax: t.tax,
        })
        .collect();
    db::insert(c, &quotation, &lines)?;
    let q = db::find(c, quotation.id)?.ok_or_else(|| AppError::internal("quotation vanished"))?;
    views(c, vec![q])?
        .pop()
        .ok_or_else(|| AppError::internal("quotation vanished"))
}
