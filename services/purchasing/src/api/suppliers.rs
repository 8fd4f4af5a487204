//! Suppliers: code (unique, case-insensitive), name, tax number, address, bank, contacts,
//! currency, payment terms and a 1–5 rating. Buyers write; every employee reads (requests,
//! arrivals and payments all name suppliers).

use super::BUYERS;
use crate::db::{self, Supplier, schema::suppliers};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_suppliers)
        .service(get_supplier)
        .service(create_supplier)
        .service(update_supplier)
        .service(deactivate_supplier);
}

/// Someone to talk to at the supplier.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct SupplierContact {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierQuery {
    /// Text in code, name, tax number or contacts; Vietnamese matches with or without
    /// diacritics.
    pub q: Option<String>,
    pub active: Option<bool>,
    pub currency: Option<String>,
    /// Suppliers rated at least this (1–5).
    pub min_rating: Option<i32>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierPage {
    pub items: Vec<Supplier>,
    pub next_cursor: Option<Uuid>,
}

/// Trimmed text, or None when blank.
pub(crate) fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn check_email(v: &mut Validator, field: &str, email: Option<&str>) {
    if let Some(e) = email {
        let ok = e.chars().count() <= 254
            && !e.contains(char::is_whitespace)
            && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
        v.check(ok, field, "must be an e-mail address");
    }
}

struct Clean {
    code: String,
    name: String,
    tax_number: Option<String>,
    address: Option<String>,
    bank_name: Option<String>,
    bank_account: Option<String>,
    contacts: serde_json::Value,
    currency: String,
    payment_terms: String,
    payment_days: i32,
    rating: Option<i32>,
    search_text: String,
}

fn validate(s: SupplierInput) -> Result<Clean, AppError> {
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
    let tax_number = clean(s.tax_number);
    v.optional_text("tax_number", tax_number.as_deref(), 50);
    let address = clean(s.address);
    v.optional_text("address", address.as_deref(), 1000);
    let bank_name = clean(s.bank_name);
    v.optional_text("bank_name", bank_name.as_deref(), 200);
    let bank_account = clean(s.bank_account);
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
    for (i, c) in s.contacts.into_iter().enumerate() {
        v.text(&format!("contacts[{i}].name"), &c.name, 200);
        let title = clean(c.title);
        v.optional_text(&format!("contacts[{i}].title"), title.as_deref(), 100);
        let phone = clean(c.phone);
        v.optional_text(&format!("contacts[{i}].phone"), phone.as_deref(), 40);
        let email = clean(c.email).map(|e| e.to_lowercase());
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
    Ok(Clean {
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

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// A code taken by another supplier (any case) is a 409.
fn check_code_free(c: &mut PgConnection, code: &str, except: Option<Uuid>) -> Result<(), AppError> {
    let mut q = suppliers::table
        .filter(lower(suppliers::code).eq(code.to_lowercase()))
        .select(suppliers::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(suppliers::id.ne(id));
    }
    if q.first::<Uuid>(c).optional()?.is_some() {
        return Err(AppError::Conflict {
            slug: "duplicate",
            detail: format!("a supplier with the code {code} already exists"),
        });
    }
    Ok(())
}

fn load(c: &mut PgConnection, id: Uuid) -> Result<Supplier, AppError> {
    db::find_supplier(c, id)?.ok_or_else(|| AppError::not_found("supplier"))
}

#[utoipa::path(
    tag = "suppliers",
    params(SupplierQuery),
    responses(
        (status = 200, body = SupplierPage),
    )
)]
#[get("/api/v1/suppliers")]
async fn list_suppliers(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<SupplierQuery>,
) -> Result<web::Json<SupplierPage>, AppError> {
    let q = query.into_inner();
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
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = suppliers::table
            .select(Supplier::as_select())
            .order(suppliers::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            sql = sql.filter(suppliers::search_text.like(erp_db::like_pattern(&erp_db::fold_search(text))));
        }
        if let Some(a) = q.active {
            sql = sql.filter(suppliers::active.eq(a));
        }
        if let Some(cur) = currency {
            sql = sql.filter(suppliers::currency.eq(cur.code()));
        }
        if let Some(r) = q.min_rating {
            sql = sql.filter(suppliers::rating.ge(r));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(suppliers::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(SupplierPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "suppliers",
    params(("id" = Uuid, Path, description = "supplier id")),
    responses(
        (status = 200, body = Supplier),
    )
)]
#[get("/api/v1/suppliers/{id}")]
async fn get_supplier(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Supplier>, AppError> {
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| load(c, id)).await?))
}

#[utoipa::path(
    tag = "suppliers",
    request_body = SupplierInput,
    responses(
        (status = 201, body = Supplier),
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/suppliers")]
async fn create_supplier(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<SupplierInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let s = validate(body.into_inner())?;
    let supplier = erp_db::transaction(&ctx.pool, move |c| {
        check_code_free(c, &s.code, None)?;
        Ok(diesel::insert_into(suppliers::table)
            .values((
                suppliers::id.eq(Uuid::now_v7()),
                suppliers::code.eq(&s.code),
                suppliers::name.eq(&s.name),
                suppliers::tax_number.eq(&s.tax_number),
                suppliers::address.eq(&s.address),
                suppliers::bank_name.eq(&s.bank_name),
                suppliers::bank_account.eq(&s.bank_account),
                suppliers::contacts.eq(&s.contacts),
                suppliers::currency.eq(&s.currency),
                suppliers::payment_terms.eq(&s.payment_terms),
                suppliers::payment_days.eq(s.payment_days),
                suppliers::rating.eq(s.rating),
                suppliers::search_text.eq(&s.search_text),
            ))
            .returning(Supplier::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/suppliers/{}", supplier.id)))
        .json(supplier))
}

#[utoipa::path(
    tag = "suppliers",
    params(("id" = Uuid, Path, description = "supplier id")),
    request_body = SupplierInput,
    responses(
        (status = 200, body = Supplier),
        (status = 409, description = "stale version or code taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/suppliers/{id}")]
async fn update_supplier(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<SupplierInput>,
) -> Result<web::Json<Supplier>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change a supplier"));
    };
    let s = validate(input)?;
    let supplier = erp_db::transaction(&ctx.pool, move |c| {
        let current = suppliers::table
            .find(id)
            .select(Supplier::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("supplier"))?;
        if current.version != version {
            return Err(AppError::stale_version("the supplier"));
        }
        check_code_free(c, &s.code, Some(id))?;
        Ok(diesel::update(suppliers::table.find(id))
            .set((
                suppliers::code.eq(&s.code),
                suppliers::name.eq(&s.name),
                suppliers::tax_number.eq(&s.tax_number),
                suppliers::address.eq(&s.address),
                suppliers::bank_name.eq(&s.bank_name),
                suppliers::bank_account.eq(&s.bank_account),
                suppliers::contacts.eq(&s.contacts),
                suppliers::currency.eq(&s.currency),
                suppliers::payment_terms.eq(&s.payment_terms),
                suppliers::payment_days.eq(s.payment_days),
                suppliers::rating.eq(s.rating),
                suppliers::search_text.eq(&s.search_text),
                suppliers::version.eq(suppliers::version + 1),
                suppliers::updated_at.eq(Utc::now()),
            ))
            .returning(Supplier::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(web::Json(supplier))
}

/// A deactivated supplier keeps its history but gets no new quotations or orders.
#[utoipa::path(
    tag = "suppliers",
    params(("id" = Uuid, Path, description = "supplier id")),
    responses(
        (status = 200, body = Supplier),
    )
)]
#[post("/api/v1/suppliers/{id}/deactivate")]
async fn deactivate_supplier(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Supplier>, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let supplier = erp_db::transaction(&ctx.pool, move |c| {
        load(c, id)?;
        Ok(diesel::update(suppliers::table.find(id))
            .set((
                suppliers::active.eq(false),
                suppliers::version.eq(suppliers::version + 1),
                suppliers::updated_at.eq(Utc::now()),
            ))
            .returning(Supplier::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(web::Json(supplier))
}

/// The supplier a new quotation or order names: it must exist and be active (else 422 on
/// `field`).
pub(crate) fn active_supplier(c: &mut PgConnection, id: Uuid, field: &str) -> Result<Supplier, AppError> {
    match db::find_supplier(c, id)? {
        None => Err(AppError::validation(field, "no such supplier")),
        Some(s) if !s.active => Err(AppError::validation(
            field,
            format!("supplier {} is not active", s.code),
        )),
        Some(s) => Ok(s),
    }
}
