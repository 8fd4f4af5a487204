//! Suppliers: code (unique, case-insensitive), name, tax number, address, bank, contacts,
//! currency, payment terms and a 1–5 rating.

use crate::db::suppliers::{self, SupplierFilter, SupplierRow, SupplierValues};
use diesel::PgConnection;
use erp_db::{Page, Paging};
use erp_money::Currency;
use erp_problem::{AppError, Validator, clean};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Someone to talk to at the supplier.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct SupplierContact {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SupplierInput {
    pub code: String,
    pub name: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    #[serde(default)]
    pub contacts: Vec<SupplierContact>,
    /// ISO 4217: VND, CNY, USD, EUR.
    pub currency: String,
    /// In words: "30% advance, 70% within 30 days of delivery".
    pub payment_terms: String,
    /// Days after delivery or invoice the balance is due.
    #[serde(default)]
    pub payment_days: i32,
    /// 1 (poor) to 5 (excellent).
    pub rating: Option<i32>,
    /// Required on update.
    pub version: Option<i64>,
}

/// A list's filters as the client gives them.
#[derive(Debug, Clone, Default)]
pub struct SupplierQuery {
    pub q: Option<String>,
    pub active: Option<bool>,
    pub currency: Option<String>,
    pub min_rating: Option<i32>,
}

fn check_email(v: &mut Validator, field: &str, email: Option<&str>) {
    if let Some(e) = email {
        let ok = e.chars().count() <= 254
            && !e.contains(char::is_whitespace)
            && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
        v.check(ok, field, "must be an e-mail address");
    }
}

/// Checks a supplier as entered and gives the values to store; every problem at once.
pub fn check(s: &SupplierInput) -> Result<SupplierValues, AppError> {
    let mut v = Validator::new();
    let code = s.code.trim().to_owned();
    let code_ok = !code.is_empty()
        && code.chars().count() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    v.check(
        code_ok,
        "code",
        "must be 1-32 characters: letters, digits, '-', '_' or '.'",
    );
    v.text("name", &s.name, 300);
    let tax_number = clean(s.tax_number.as_deref());
    v.optional_text("tax_number", tax_number.as_deref(), 50);
    let address = clean(s.address.as_deref());
    v.optional_text("address", address.as_deref(), 1000);
    let bank_name = clean(s.bank_name.as_deref());
    v.optional_text("bank_name", bank_name.as_deref(), 200);
    let bank_account = clean(s.bank_account.as_deref());
    v.optional_text("bank_account", bank_account.as_deref(), 100);
    let currency = Currency::parse(&s.currency)
        .map_err(|e| v.add("currency", e.to_string()))
        .ok();
    v.text("payment_terms", &s.payment_terms, 500);
    v.check(
        (0..=365).contains(&s.payment_days),
        "payment_days",
        "must be between 0 and 365",
    );
    if let Some(r) = s.rating {
        v.check((1..=5).contains(&r), "rating", "must be between 1 and 5");
    }
    v.check(s.contacts.len() <= 50, "contacts", "at most 50 contacts");
    let mut contacts = Vec::with_capacity(s.contacts.len());
    for (i, c) in s.contacts.iter().enumerate() {
        v.text(&format!("contacts[{i}].name"), &c.name, 200);
        let title = clean(c.title.as_deref());
        v.optional_text(&format!("contacts[{i}].title"), title.as_deref(), 100);
        let phone = clean(c.phone.as_deref());
        v.optional_text(&format!("contacts[{i}].phone"), phone.as_deref(), 40);
        let email = clean(c.email.as_deref()).map(|e| e.to_lowercase());
        check_email(&mut v, &format!("contacts[{i}].email"), email.as_deref());
        contacts.push(SupplierContact {
            name: c.name.trim().to_owned(),
            title,
            phone,
            email,
        });
    }
    v.finish()?;
    let name = s.name.trim().to_owned();
    let mut words = vec![code.clone(), name.clone()];
    words.extend(tax_number.clone());
    for c in &contacts {
        words.push(c.name.clone());
        words.extend(c.phone.clone());
    }
    Ok(SupplierValues {
        search_text: erp_db::fold_search(&words.join(" ")),
        code,
        name,
        tax_number,
        address,
        bank_name,
        bank_account,
        contacts: serde_json::to_value(&contacts).map_err(AppError::internal)?,
        currency: currency.map(|c| c.code()).unwrap_or_default().to_owned(),
        payment_terms: s.payment_terms.trim().to_owned(),
        payment_days: s.payment_days,
        rating: s.rating,
    })
}

/// A code taken by another supplier (any case) is a 409.
fn check_code_free(c: &mut PgConnection, code: &str, except: Option<Uuid>) -> Result<(), AppError> {
    if suppliers::code_taken(c, code, except)? {
        return Err(AppError::Conflict {
            slug: "duplicate",
            detail: format!("a supplier with the code {code} already exists"),
        });
    }
    Ok(())
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<SupplierRow, AppError> {
    suppliers::find(c, id)?.ok_or_else(|| AppError::not_found("supplier"))
}

pub fn list(c: &mut PgConnection, q: &SupplierQuery, paging: &Paging) -> Result<Page<SupplierRow>, AppError> {
    let currency = q
        .currency
        .as_deref()
        .map(|c| Currency::parse(c).map_err(|e| AppError::validation("currency", e.to_string())))
        .transpose()?;
    if let Some(r) = q.min_rating
        && !(1..=5).contains(&r)
    {
        return Err(AppError::validation("min_rating", "must be between 1 and 5"));
    }
    let filter = SupplierFilter {
        text: q.q.as_deref().filter(|t| !t.trim().is_empty()).map(erp_db::fold_search),
        active: q.active,
        currency: currency.map(|c| c.code().to_owned()),
        min_rating: q.min_rating,
    };
    let rows = suppliers::list(c, &filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn create(c: &mut PgConnection, input: &SupplierInput) -> Result<SupplierRow, AppError> {
    let values = check(input)?;
    check_code_free(c, &values.code, None)?;
    suppliers::insert(c, &values)
}

/// Changes a supplier; the version is required and must be the current one.
pub fn update(c: &mut PgConnection, id: Uuid, input: &SupplierInput) -> Result<SupplierRow, AppError> {
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change a supplier"));
    };
    let values = check(input)?;
    let current = suppliers::lock(c, id)?.ok_or_else(|| AppError::not_found("supplier"))?;
    if current.version != version {
        return Err(AppError::stale_version("the supplier"));
    }
    check_code_free(c, &values.code, Some(id))?;
    suppliers::update(c, id, &values)
}

/// A deactivated supplier keeps its history but gets no new quotations or orders.
pub fn deactivate(c: &mut PgConnection, id: Uuid) -> Result<SupplierRow, AppError> {
    get(c, id)?;
    suppliers::deactivate(c, id)
}

/// The supplier a new quotation or order names: it must exist and be active (else 422 on
/// `field`).
pub fn active_supplier(c: &mut PgConnection, id: Uuid, field: &str) -> Result<SupplierRow, AppError> {
    match suppliers::find(c, id)? {
        None => Err(AppError::validation(field, "no such supplier")),
        Some(s) if !s.active => Err(AppError::validation(
            field,
            format!("supplier {} is not active", s.code),
        )),
        Some(s) => Ok(s),
    }
}
