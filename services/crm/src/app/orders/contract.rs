//! The contract side of a sales order: its parties and terms (seed 003 §5), the total in words,
//! and the review checklist A–I (seed 002) that orders and change requests record.

use super::super::lines;
use crate::db::Customer;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One party of the contract.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct Party {
    pub name: String,
    pub address: Option<String>,
    pub bank: Option<String>,
    pub account: Option<String>,
    pub tax_number: Option<String>,
    pub phone: Option<String>,
    pub representative: Option<String>,
}

/// The contract's terms (seed 003 §5).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ContractTerms {
    pub quality: Option<String>,
    pub delivery_place: Option<String>,
    pub delivery_method: Option<String>,
    /// Who transports and who pays for it.
    pub transport: Option<String>,
    pub packaging: Option<String>,
    /// Settlement method and period.
    pub settlement: Option<String>,
    pub breach_liability: Option<String>,
    pub dispute_resolution: Option<String>,
    pub other: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewInput {
    pub items: Vec<ReviewEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewEntry {
    pub item: String,
    pub result: String,
    pub note: Option<String>,
}

/// The buyer's details as on the customer's record.
pub(crate) fn buyer_of(customer: &Customer) -> Party {
    Party {
        name: customer.name.clone(),
        address: customer.address.clone(),
        bank: customer.bank_name.clone(),
        account: customer.bank_account.clone(),
        tax_number: customer.tax_number.clone(),
        phone: customer.phone.clone(),
        representative: None,
    }
}

pub(crate) fn check_party(v: &mut Validator, field: &str, p: &Party) {
    v.text(&format!("{field}.name"), &p.name, 300);
}

/// The total in words: Chinese upper case for CNY, Vietnamese for VND, English otherwise.
pub(crate) fn words(total: Decimal, currency: &str) -> Result<String, AppError> {
    let c = lines::parse_currency(currency)?;
    erp_money::to_words(total, c)
        .map_err(|e| AppError::validation("lines", format!("the total cannot be written in words: {e}")))
}

/// Checks review entries: items A–I, results pass / fail / not_applicable.
pub(crate) fn check_review(items: &[ReviewEntry]) -> Result<(), AppError> {
    let mut v = Validator::new();
    v.check(!items.is_empty(), "items", "must review at least one item");
    for (i, e) in items.iter().enumerate() {
        v.check(
            ["A", "B", "C", "D", "E", "F", "G", "H", "I"].contains(&e.item.as_str()),
            &format!("items[{i}].item"),
            "must be one of A to I",
        );
        v.check(
            ["pass", "fail", "not_applicable"].contains(&e.result.as_str()),
            &format!("items[{i}].result"),
            "must be pass, fail or not_applicable",
        );
        v.optional_text(&format!("items[{i}].note"), e.note.as_deref(), 2000);
    }
    v.finish()
}
