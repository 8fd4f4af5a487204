//! Customers and their contacts. A salesperson sees and edits its own customers, a sales
//! manager its department's, the general manager and vice presidents all; others get 404.

use super::SELLERS;
use crate::db::{self, Contact, Customer, CustomerBalance, schema::contacts, schema::customers};
use crate::domain::customer::{self, CustomerKind, Grade, PaymentTerms};
use crate::domain::visibility::{Scope, scope, scoped};
use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_customers)
        .service(get_customer)
        .service(create_customer)
        .service(update_customer)
        .service(deactivate_customer)
        .service(add_contact)
        .service(remove_contact);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CustomerInput {
    pub code: String,
    pub name: String,
    pub kind: CustomerKind,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub shipping_address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    #[serde(default = "default_grade")]
    pub grade: Grade,
    #[serde(default)]
    #[schema(value_type = String)]
    pub credit_limit: Decimal,
    /// ISO 4217: VND, CNY, USD, EUR.
    pub currency: String,
    pub payment_terms: PaymentTerms,
    #[serde(default)]
    pub payment_days: i32,
    /// The owning salesperson; the caller when absent. Only managers may name someone else.
    pub owner_id: Option<Uuid>,
    pub anniversary_date: Option<NaiveDate>,
    pub lease_expiry_date: Option<NaiveDate>,
    /// Required on update.
    pub version: Option<i64>,
}

fn default_grade() -> Grade {
    Grade::C
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    #[serde(flatten)]
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    /// Open receivables from finance, when known.
    pub balance: Option<CustomerBalance>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactInput {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub decision_maker: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Text in code, name, tax number or phone; Vietnamese matches with or without diacritics.
    pub q: Option<String>,
    /// A, B, C or D.
    pub grade: Option<String>,
    pub owner_id: Option<Uuid>,
    pub active: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    pub next_cursor: Option<Uuid>,
}

/// Checks the caller may sell, and returns its scope.
fn seller_scope(user: &CurrentUser) -> Result<Scope, AppError> {
    user.require_any(&SELLERS)?;
    Ok(scope(user))
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

struct Clean {
    code: String,
    name: String,
    kind: CustomerKind,
    tax_number: Option<String>,
    address: Option<String>,
    shipping_address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    bank_name: Option<String>,
    bank_account: Option<String>,
    grade: Grade,
    credit_limit: Decimal,
    currency: String,
    payment_terms: PaymentTerms,
    payment_days: i32,
    anniversary_date: Option<NaiveDate>,
    lease_expiry_date: Option<NaiveDate>,
}

fn validate(c: CustomerInput) -> Result<Clean, AppError> {
    let mut v = Validator::new();
    let code = c.code.trim().to_owned();
    customer::check_code(&mut v, "code", &code);
    v.text("name", &c.name, 300);
    let email = clean(c.email).map(|e| e.to_lowercase());
    customer::check_email(&mut v, "email", email.as_deref());
    let currency = c.currency.trim().to_uppercase();
    v.check(
        crate::domain::money::currency_scale(&currency).is_some(),
        "currency",
        "must be one of VND, CNY, USD, EUR",
    );
    customer::check_credit(&mut v, c.credit_limit, c.payment_terms, c.payment_days);
    let tax_number = clean(c.tax_number);
    v.optional_text("tax_number", tax_number.as_deref(), 50);
    let phone = clean(c.phone);
    v.optional_text("phone", phone.as_deref(), 40);
    v.finish()?;
    Ok(Clean {
        code,
        name: c.name.trim().to_owned(),
        kind: c.kind,
        tax_number,
        address: clean(c.address),
        shipping_address: clean(c.shipping_address),
        phone,
        email,
        bank_name: clean(c.bank_name),
        bank_account: clean(c.bank_account),
        grade: c.grade,
        credit_limit: c.credit_limit,
        currency,
        payment_terms: c.payment_terms,
        payment_days: c.payment_days,
        anniversary_date: c.anniversary_date,
        lease_expiry_date: c.lease_expiry_date,
    })
}

/// The owner a customer gets: the caller, or (for managers) a named salesperson from the
/// directory; the department is the owner's.
fn resolve_owner(
    conn: &mut PgConnection,
    user: &CurrentUser,
    owner: Option<Uuid>,
) -> Result<(Uuid, Option<Uuid>), AppError> {
    let owner = owner.unwrap_or(user.id);
    if owner == user.id {
        let dept = erp_directory::find(conn, owner)?
            .and_then(|e| e.department_id)
            .or(user.department_id);
        return Ok((owner, dept));
    }
    if !user.has_any_role(&[Role::SalesManager, Role::GeneralManager, Role::VicePresident]) {
        return Err(AppError::Forbidden(
            "only managers assign customers to someone else".into(),
        ));
    }
    let employee = erp_directory::find(conn, owner)?
        .filter(|e| e.active)
        .ok_or_else(|| AppError::validation("owner_id", "no such active employee"))?;
    if user.has_role(Role::SalesManager)
        && !user.has_any_role(&[Role::GeneralManager, Role::VicePresident])
        && employee.department_id != user.department_id
    {
        return Err(AppError::validation("owner_id", "must be in your department"));
    }
    Ok((owner, employee.department_id))
}

#[utoipa::path(
    tag = "customers",
    params(CustomerQuery),
    responses(
        (status = 200, body = CustomerPage),
    )
)]
#[get("/api/v1/customers")]
async fn list_customers(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<CustomerQuery>,
) -> Result<web::Json<CustomerPage>, AppError> {
    let scope = scope(&user);
    if scope == Scope::Nothing {
        return Err(AppError::Forbidden(
            "customers are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = customers::table
            .select(Customer::as_select())
            .order(customers::id)
            .limit(limit + 1)
            .into_boxed();
        sql = scoped!(sql, scope, customers::owner_id, customers::department_id, customers::id);
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            sql = sql.filter(customers::search_text.like(erp_db::like_pattern(&erp_db::fold_search(text))));
        }
        if let Some(g) = q.grade {
            sql = sql.filter(customers::grade.eq(g.to_uppercase()));
        }
        if let Some(o) = q.owner_id {
            sql = sql.filter(customers::owner_id.eq(o));
        }
        if let Some(a) = q.active {
            sql = sql.filter(customers::active.eq(a));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(customers::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(CustomerPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

fn detail(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<CustomerDetail, AppError> {
    let customer = db::visible_customer(c, scope, id)?;
    Ok(CustomerDetail {
        contacts: db::contacts_of(c, id)?,
        balance: db::balance_of(c, id)?,
        customer,
    })
}

#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "customer id")),
    responses(
        (status = 200, body = CustomerDetail),
        (status = 404, description = "unknown, or not yours to see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}")]
async fn get_customer(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<CustomerDetail>, AppError> {
    let scope = scope(&user);
    let id = id.into_inner();
    Ok(web::Json(
        erp_db::with_conn(&ctx.pool, move |c| detail(c, scope, id)).await?,
    ))
}

#[utoipa::path(
    tag = "customers",
    request_body = CustomerInput,
    responses(
        (status = 201, body = CustomerDetail),
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers")]
async fn create_customer(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&SELLERS)?;
    let input = body.into_inner();
    let owner = input.owner_id;
    let c = validate(input)?;
    let d = erp_db::transaction(&ctx.pool, move |conn| {
        let (owner_id, department_id) = resolve_owner(conn, &user, owner)?;
        let id = Uuid::now_v7();
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(id),
                customers::code.eq(&c.code),
                customers::name.eq(&c.name),
                customers::kind.eq(c.kind.as_str()),
                customers::tax_number.eq(&c.tax_number),
                customers::address.eq(&c.address),
                customers::shipping_address.eq(&c.shipping_address),
                customers::phone.eq(&c.phone),
                customers::email.eq(&c.email),
                customers::bank_name.eq(&c.bank_name),
                customers::bank_account.eq(&c.bank_account),
                customers::grade.eq(c.grade.as_str()),
                customers::credit_limit.eq(c.credit_limit),
                customers::currency.eq(&c.currency),
                customers::payment_terms.eq(c.payment_terms.as_str()),
                customers::payment_days.eq(c.payment_days),
                customers::owner_id.eq(owner_id),
                customers::department_id.eq(department_id),
                customers::anniversary_date.eq(c.anniversary_date),
                customers::lease_expiry_date.eq(c.lease_expiry_date),
                customers::search_text.eq(customer::search_text(
                    &c.code,
                    &c.name,
                    c.tax_number.as_deref(),
                    c.phone.as_deref(),
                )),
            ))
            .execute(conn)?;
        // The creator may have given the customer to someone outside its own scope.
        detail(conn, Scope::All, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/customers/{}", d.customer.id)))
        .json(d))
}

#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "customer id")),
    request_body = CustomerInput,
    responses(
        (status = 200, body = CustomerDetail),
        (status = 409, description = "stale version or code taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/customers/{id}")]
async fn update_customer(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CustomerInput>,
) -> Result<web::Json<CustomerDetail>, AppError> {
    let scope = seller_scope(&user)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change a customer"));
    };
    let owner = input.owner_id;
    let c = validate(input)?;
    let d = erp_db::transaction(&ctx.pool, move |conn| {
        let current = db::lock_visible_customer(conn, scope, id)?;
        if current.version != version {
            return Err(AppError::stale_version("the customer"));
        }
        let (owner_id, department_id) = match owner {
            Some(o) if o != current.owner_id => resolve_owner(conn, &user, Some(o))?,
            _ => (current.owner_id, current.department_id),
        };
        diesel::update(customers::table.find(id))
            .set((
                customers::code.eq(&c.code),
                customers::name.eq(&c.name),
                customers::kind.eq(c.kind.as_str()),
                customers::tax_number.eq(&c.tax_number),
                customers::address.eq(&c.address),
                customers::shipping_address.eq(&c.shipping_address),
                customers::phone.eq(&c.phone),
                customers::email.eq(&c.email),
                customers::bank_name.eq(&c.bank_name),
                customers::bank_account.eq(&c.bank_account),
                customers::grade.eq(c.grade.as_str()),
                customers::credit_limit.eq(c.credit_limit),
                customers::currency.eq(&c.currency),
                customers::payment_terms.eq(c.payment_terms.as_str()),
                customers::payment_days.eq(c.payment_days),
                customers::owner_id.eq(owner_id),
                customers::department_id.eq(department_id),
                customers::anniversary_date.eq(c.anniversary_date),
                customers::lease_expiry_date.eq(c.lease_expiry_date),
                customers::search_text.eq(customer::search_text(
                    &c.code,
                    &c.name,
                    c.tax_number.as_deref(),
                    c.phone.as_deref(),
                )),
                customers::version.eq(customers::version + 1),
                customers::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        detail(conn, Scope::All, id)
    })
    .await?;
    Ok(web::Json(d))
}

#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "customer id")),
    responses(
        (status = 200, body = CustomerDetail),
    )
)]
#[post("/api/v1/customers/{id}/deactivate")]
async fn deactivate_customer(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<CustomerDetail>, AppError> {
    let scope = seller_scope(&user)?;
    let id = id.into_inner();
    let d = erp_db::transaction(&ctx.pool, move |conn| {
        db::lock_visible_customer(conn, scope, id)?;
        diesel::update(customers::table.find(id))
            .set((
                customers::active.eq(false),
                customers::version.eq(customers::version + 1),
                customers::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        detail(conn, scope, id)
    })
    .await?;
    Ok(web::Json(d))
}

#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "customer id")),
    request_body = ContactInput,
    responses(
        (status = 201, body = Contact),
    )
)]
#[post("/api/v1/customers/{id}/contacts")]
async fn add_contact(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ContactInput>,
) -> Result<HttpResponse, AppError> {
    let scope = seller_scope(&user)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.text("name", &input.name, 200)
        .optional_text("title", input.title.as_deref(), 100);
    let email = clean(input.email).map(|e| e.to_lowercase());
    customer::check_email(&mut v, "email", email.as_deref());
    v.finish()?;
    let contact = erp_db::transaction(&ctx.pool, move |conn| {
        db::visible_customer(conn, scope, id)?;
        Ok(diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(Uuid::now_v7()),
                contacts::customer_id.eq(id),
                contacts::name.eq(input.name.trim()),
                contacts::title.eq(clean(input.title.clone())),
                contacts::phone.eq(clean(input.phone.clone())),
                contacts::email.eq(&email),
                contacts::decision_maker.eq(input.decision_maker),
            ))
            .returning(Contact::as_returning())
            .get_result(conn)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(contact))
}

#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "customer id"), ("contact_id" = Uuid, Path, description = "contact id")),
    responses(
        (status = 204, description = "removed"),
    )
)]
#[delete("/api/v1/customers/{id}/contacts/{contact_id}")]
async fn remove_contact(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let scope = seller_scope(&user)?;
    let (id, contact_id) = path.into_inner();
    erp_db::transaction(&ctx.pool, move |conn| {
        db::visible_customer(conn, scope, id)?;
        let n = diesel::delete(
            contacts::table
                .filter(contacts::id.eq(contact_id))
                .filter(contacts::customer_id.eq(id)),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(AppError::not_found("contact"));
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
