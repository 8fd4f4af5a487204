//! Customers and their contacts. A salesperson sees and edits its own customers, a sales
//! manager its department's, the general manager and vice presidents all; others get 404.

use super::SELLERS;
use crate::app::customers::{self as app, ContactInput, CustomerFilter, CustomerInput, CustomerView};
use crate::db::customers as rows;
use crate::domain::customer::Grade;
use crate::domain::visibility::{Scope, scope};
use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use erp_auth::CurrentUser;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem};
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Customer {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// `company` or `person`.
    pub kind: String,
    pub tax_number: Option<String>,
    pub address: Option<String>,
    pub shipping_address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    /// A to D.
    pub grade: String,
    #[schema(value_type = String)]
    pub credit_limit: Decimal,
    pub currency: String,
    /// `prepayment`, `cash_on_delivery`, `net_days` or `monthly_settlement`.
    pub payment_terms: String,
    pub payment_days: i32,
    /// The salesperson who owns the customer.
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    pub anniversary_date: Option<NaiveDate>,
    pub lease_expiry_date: Option<NaiveDate>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<rows::Customer> for Customer {
    fn from(c: rows::Customer) -> Self {
        Customer {
            id: c.id,
            code: c.code,
            name: c.name,
            kind: c.kind,
            tax_number: c.tax_number,
            address: c.address,
            shipping_address: c.shipping_address,
            phone: c.phone,
            email: c.email,
            bank_name: c.bank_name,
            bank_account: c.bank_account,
            grade: c.grade,
            credit_limit: c.credit_limit,
            currency: c.currency,
            payment_terms: c.payment_terms,
            payment_days: c.payment_days,
            owner_id: c.owner_id,
            department_id: c.department_id,
            anniversary_date: c.anniversary_date,
            lease_expiry_date: c.lease_expiry_date,
            active: c.active,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub decision_maker: bool,
    pub created_at: DateTime<Utc>,
}

impl From<rows::Contact> for Contact {
    fn from(c: rows::Contact) -> Self {
        Contact {
            id: c.id,
            customer_id: c.customer_id,
            name: c.name,
            title: c.title,
            phone: c.phone,
            email: c.email,
            decision_maker: c.decision_maker,
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerBalance {
    pub currency: String,
    /// Receivables not yet paid, as finance last reported.
    #[schema(value_type = String)]
    pub open_amount: Decimal,
    #[schema(value_type = String)]
    pub overdue_amount: Decimal,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    #[serde(flatten)]
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    /// Open receivables from finance, when known.
    pub balance: Option<CustomerBalance>,
}

impl From<CustomerView> for CustomerDetail {
    fn from(v: CustomerView) -> Self {
        CustomerDetail {
            customer: v.customer.into(),
            contacts: v.contacts.into_iter().map(Into::into).collect(),
            balance: v.balance.map(|b| CustomerBalance {
                currency: b.currency,
                open_amount: b.open_amount,
                overdue_amount: b.overdue_amount,
                updated_at: b.updated_at,
            }),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Text in code, name, tax number or phone; Vietnamese matches with or without diacritics.
    pub q: Option<String>,
    /// A, B, C or D.
    #[param(value_type = Option<Grade>, inline)]
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

impl From<Page<rows::Customer>> for CustomerPage {
    fn from(p: Page<rows::Customer>) -> Self {
        let p = p.map(Customer::from);
        CustomerPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
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
    if scope(&user) == Scope::Nothing {
        return Err(AppError::Forbidden(
            "customers are visible to sales, managers and finance".into(),
        ));
    }
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let filter = CustomerFilter {
        text: q.q.as_deref().filter(|t| !t.trim().is_empty()).map(erp_db::fold_search),
        grade: q
            .grade
            .map(|g| Grade::parse_field("grade", &g).map(|g| g.as_str().to_owned()))
            .transpose()?,
        owner_id: q.owner_id,
        active: q.active,
    };
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &user, &filter, &paging)).await?;
    Ok(web::Json(page.into()))
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
    let id = id.into_inner();
    let d = erp_db::with_conn(&ctx.pool, move |c| app::get(c, &user, id)).await?;
    Ok(web::Json(d.into()))
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
    let form = body.into_inner().validate()?;
    let d = erp_db::transaction(&ctx.pool, move |c| app::create(c, &user, &form)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/customers/{}", d.customer.id)))
        .json(CustomerDetail::from(d)))
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
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let Some(version) = input.version else {
        return Err(AppError::validation("version", "is required to change a customer"));
    };
    let form = input.validate()?;
    let d = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, version, &form)).await?;
    Ok(web::Json(d.into()))
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
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let d = erp_db::transaction(&ctx.pool, move |c| app::deactivate(c, &user, id)).await?;
    Ok(web::Json(d.into()))
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
    user.require_any(&SELLERS)?;
    let id = id.into_inner();
    let form = body.into_inner().validate()?;
    let contact = erp_db::transaction(&ctx.pool, move |c| app::add_contact(c, &user, id, &form)).await?;
    Ok(HttpResponse::Created().json(Contact::from(contact)))
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
    user.require_any(&SELLERS)?;
    let (id, contact_id) = path.into_inner();
    erp_db::transaction(&ctx.pool, move |c| app::remove_contact(c, &user, id, contact_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
