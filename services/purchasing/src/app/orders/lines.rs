//! An order as entered: its input, the checks of its header and lines, the lines resolved
//! against the catalogue and totalled by the money rules, and the new order stored.

use crate::db::orders::{self as db, NewOrder, NewOrderLine, OrderValues};
use crate::db::suppliers::SupplierRow;
use crate::domain::orders::OrderStatus;
use chrono::{Datelike, NaiveDate};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_money::{Currency, DocumentTotals, LineInput};
use erp_problem::{AppError, FieldError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

const MAX_LINES: usize = 200;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct OrderLineInput {
    pub item_id: Uuid,
    /// The item's name when absent.
    pub description: Option<String>,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// VAT rate in percent.
    #[serde(default)]
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
    /// The order's date when absent.
    pub expected_arrival: Option<NaiveDate>,
    /// On update of an order made from a purchase request: the request line this line buys
    /// (as the order's line carried it). Not given on a direct order.
    pub request_line_id: Option<Uuid>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct OrderInput {
    pub supplier_id: Uuid,
    /// The supplier's currency when absent.
    pub currency: Option<String>,
    /// Today when absent.
    pub order_date: Option<NaiveDate>,
    /// When the goods are due; required.
    pub expected_arrival: Option<NaiveDate>,
    /// Where the goods are to arrive (the default warehouse when absent).
    pub warehouse_id: Option<Uuid>,
    /// The supplier's terms when absent.
    pub payment_terms: Option<String>,
    pub payment_days: Option<i32>,
    pub note: Option<String>,
    pub lines: Vec<OrderLineInput>,
    /// Required on update.
    pub version: Option<i64>,
}

/// Checks the header values a buyer gives.
pub(super) fn check_terms(
    v: &mut Validator,
    payment_terms: Option<&str>,
    payment_days: Option<i32>,
    note: Option<&str>,
) {
    if let Some(t) = payment_terms {
        v.text("payment_terms", t, 500);
    }
    if let Some(d) = payment_days {
        v.check((0..=365).contains(&d), "payment_days", "must be between 0 and 365");
    }
    v.optional_text("note", note, 4000);
}

pub(super) fn check_input(v: &mut Validator, input: &OrderInput) {
    check_terms(
        v,
        input.payment_terms.as_deref(),
        input.payment_days,
        input.note.as_deref(),
    );
    let order_date = input.order_date.unwrap_or_else(erp_calendar::today);
    match input.expected_arrival {
        None => {
            v.add("expected_arrival", "is required");
        }
        Some(d) => {
            v.check(d >= order_date, "expected_arrival", "must not be before the order date");
        }
    }
    for (i, l) in input.lines.iter().enumerate() {
        if let Some(d) = l.expected_arrival {
            v.check(
                d >= order_date,
                &format!("lines[{i}].expected_arrival"),
                "must not be before the order date",
            );
        }
    }
}

/// The validator's errors, to be reported together with the lines'.
pub(super) fn errors_of(v: Validator) -> Vec<FieldError> {
    match v.finish() {
        Err(AppError::Validation(e)) => e,
        _ => Vec::new(),
    }
}

/// The currency, or VND with the problem added to `errors` (reported with the lines').
pub(super) fn currency_or_error(code: &str, errors: &mut Vec<FieldError>) -> Currency {
    Currency::parse(code).unwrap_or_else(|e| {
        errors.push(FieldError::new("currency", e.to_string()));
        Currency::Vnd
    })
}

/// Resolves the lines against the catalogue (an unknown or inactive item is a 422), checks them
/// by the money rules and totals them; `errors` found before are reported with the lines'.
pub(super) fn build_lines(
    c: &mut PgConnection,
    currency: Currency,
    lines: &[OrderLineInput],
    mut errors: Vec<FieldError>,
) -> Result<(Vec<NewOrderLine>, DocumentTotals), AppError> {
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
    }
    if lines.len() > MAX_LINES {
        errors.push(FieldError::new("lines", format!("at most {MAX_LINES} lines")));
    }
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &ids)?;
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
        if l.description.as_deref().is_some_and(|d| d.chars().count() > 500) {
            errors.push(FieldError::new(
                format!("lines[{i}].description"),
                "must be at most 500 characters",
            ));
        }
    }
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: l.tax_rate_pct,
        })
        .collect();
    for (field, message) in erp_money::validate_lines(&inputs) {
        errors.push(FieldError::new(field, message));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (computed, totals) =
        erp_money::document_totals(&inputs, currency).map_err(|e| AppError::validation("lines", e.to_string()))?;
    let rows = lines
        .iter()
        .zip(inputs)
        .zip(computed)
        .map(|((l, input), t)| {
            let item = items.get(&l.item_id);
            NewOrderLine {
                item_id: l.item_id,
                request_line_id: l.request_line_id,
                description: clean(l.description.as_deref())
                    .or_else(|| item.map(|i| i.name.clone()))
                    .unwrap_or_default(),
                unit: item.map(|i| i.unit.clone()).unwrap_or_default(),
                quantity: input.quantity,
                unit_price: input.unit_price,
                tax_rate: input.tax_rate_pct,
                net: t.net,
                tax: t.tax,
                total: t.total,
                expected_arrival: l.expected_arrival,
            }
        })
        .collect();
    Ok((rows, totals))
}

/// The header of a new order or an edit: what the buyer gave, else the supplier's terms.
pub(super) struct Header<'a> {
    pub supplier: &'a SupplierRow,
    pub currency: Currency,
    pub order_date: NaiveDate,
    pub expected_arrival: Option<NaiveDate>,
    pub warehouse_id: Option<Uuid>,
    pub payment_terms: Option<&'a str>,
    pub payment_days: Option<i32>,
    pub note: Option<&'a str>,
}

impl Header<'_> {
    pub(super) fn values(&self, status: OrderStatus, totals: &DocumentTotals) -> OrderValues {
        OrderValues {
            supplier_id: self.supplier.id,
            currency: self.currency.code().to_owned(),
            status,
            order_date: self.order_date,
            expected_arrival: self.expected_arrival,
            payment_terms: clean(self.payment_terms).unwrap_or_else(|| self.supplier.payment_terms.clone()),
            payment_days: self.payment_days.unwrap_or(self.supplier.payment_days),
            warehouse_id: self.warehouse_id,
            note: clean(self.note),
            net: totals.net,
            tax: totals.tax,
            total: totals.total,
        }
    }
}

/// Stores a new draft order of `user` (made from `from`: a request and its quotation).
pub(super) fn insert_order(
    c: &mut PgConnection,
    user: &CurrentUser,
    values: &OrderValues,
    lines: &[NewOrderLine],
    from: Option<(Uuid, Uuid)>,
) -> Result<Uuid, AppError> {
    let department_id = erp_directory::find(c, user.id)?
        .and_then(|e| e.department_id)
        .or(user.department_id);
    let order = NewOrder {
        id: Uuid::now_v7(),
        number: erp_db::next_number(c, "PO", erp_calendar::today().year())?,
        request_id: from.map(|(r, _)| r),
        quotation_id: from.map(|(_, q)| q),
        created_by: user.actor(),
        buyer_id: Some(user.id),
        department_id,
    };
    db::insert(c, &order, values, lines)?;
    Ok(order.id)
}
