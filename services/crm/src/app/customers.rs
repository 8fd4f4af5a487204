//! Customers and their contacts. A salesperson sees and edits its own customers, a sales
//! manager its department's, the general manager and vice presidents all, finance all it
//! collects money from; a customer outside one's scope is a 404.

use crate::db::customers::{self, Contact, Customer, CustomerBalance, CustomerValues, NewContact, Owner};
use crate::domain::customer::{self, CustomerKind, Grade, PaymentTerms};
use crate::domain::visibility::{Scope, scope};
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::{CurrentUser, Role};
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::db::customers::CustomerFilter;

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

pub(crate) fn default_grade() -> Grade {
    Grade::C
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

/// A customer's fields checked and cleaned, and the owner asked for.
#[derive(Debug, Clone)]
pub struct CustomerForm {
    values: CustomerValues,
    owner_id: Option<Uuid>,
}

/// A currency crm sells in, upper-cased; a 422 on `currency` otherwise.
pub(crate) fn check_currency(v: &mut Validator, currency: &str) -> String {
    let currency = currency.trim().to_uppercase();
    v.check(
        erp_money::Currency::parse(&currency).is_ok(),
        "currency",
        "must be one of VND, CNY, USD, EUR",
    );
    currency
}

impl CustomerInput {
    /// The input checked (422 naming each bad field) and cleaned.
    pub fn validate(self) -> Result<CustomerForm, AppError> {
        let c = self;
        let mut v = Validator::new();
        let code = c.code.trim().to_owned();
        customer::check_code(&mut v, "code", &code);
        v.text("name", &c.name, 300);
        let email = clean(c.email.as_deref()).map(|e| e.to_lowercase());
        customer::check_email(&mut v, "email", email.as_deref());
        let currency = check_currency(&mut v, &c.currency);
        customer::check_credit(&mut v, c.credit_limit, c.payment_terms, c.payment_days);
        let tax_number = clean(c.tax_number.as_deref());
        v.optional_text("tax_number", tax_number.as_deref(), 50);
        let phone = clean(c.phone.as_deref());
        v.optional_text("phone", phone.as_deref(), 40);
        v.finish()?;
        let name = c.name.trim().to_owned();
        Ok(CustomerForm {
            values: CustomerValues {
                search_text: customer::search_text(&code, &name, tax_number.as_deref(), phone.as_deref()),
                code,
                name,
                kind: c.kind.as_str(),
                tax_number,
                address: clean(c.address.as_deref()),
                shipping_address: clean(c.shipping_address.as_deref()),
                phone,
                email,
                bank_name: clean(c.bank_name.as_deref()),
                bank_account: clean(c.bank_account.as_deref()),
                grade: c.grade.as_str(),
                credit_limit: c.credit_limit,
                currency,
                payment_terms: c.payment_terms.as_str(),
                payment_days: c.payment_days,
                anniversary_date: c.anniversary_date,
                lease_expiry_date: c.lease_expiry_date,
            },
            owner_id: c.owner_id,
        })
    }
}

/// A contact's fields checked and cleaned.
#[derive(Debug, Clone)]
pub struct ContactForm {
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    decision_maker: bool,
}

impl ContactInput {
    pub fn validate(self) -> Result<ContactForm, AppError> {
        let mut v = Validator::new();
        v.text("name", &self.name, 200)
            .optional_text("title", self.title.as_deref(), 100);
        let email = clean(self.email.as_deref()).map(|e| e.to_lowercase());
        customer::check_email(&mut v, "email", email.as_deref());
        v.finish()?;
        Ok(ContactForm {
            name: self.name.trim().to_owned(),
            title: clean(self.title.as_deref()),
            phone: clean(self.phone.as_deref()),
            email,
            decision_maker: self.decision_maker,
        })
    }
}

/// A customer with its contacts and what it owes.
#[derive(Debug, Clone)]
pub struct CustomerView {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    /// Open receivables from finance, when known.
    pub balance: Option<CustomerBalance>,
}

/// The customer with its contacts and balance, if `scope` sees it.
pub(crate) fn view(c: &mut PgConnection, scope: Scope, id: Uuid) -> Result<CustomerView, AppError> {
    let customer = customers::visible_customer(c, scope, id)?;
    Ok(CustomerView {
        contacts: customers::contacts_of(c, id)?,
        balance: customers::balance_of(c, id)?,
        customer,
    })
}

/// The owner a customer gets: the caller, or (for managers) a named salesperson from the
/// directory; the department is the owner's.
fn resolve_owner(conn: &mut PgConnection, actor: &CurrentUser, owner: Option<Uuid>) -> Result<Owner, AppError> {
    let owner = owner.unwrap_or(actor.id);
    if owner == actor.id {
        let department_id = erp_directory::find(conn, owner)?
            .and_then(|e| e.department_id)
            .or(actor.department_id);
        return Ok(Owner {
            id: owner,
            department_id,
        });
    }
    if !actor.has_any_role(&[Role::SalesManager, Role::GeneralManager, Role::VicePresident]) {
        return Err(AppError::Forbidden(
            "only managers assign customers to someone else".into(),
        ));
    }
    let employee = erp_directory::find(conn, owner)?
        .filter(|e| e.active)
        .ok_or_else(|| AppError::validation("owner_id", "no such active employee"))?;
    if actor.has_role(Role::SalesManager)
        && !actor.has_any_role(&[Role::GeneralManager, Role::VicePresident])
        && employee.department_id != actor.department_id
    {
        return Err(AppError::validation("owner_id", "must be in your department"));
    }
    Ok(Owner {
        id: owner,
        department_id: employee.department_id,
    })
}

pub fn list(
    c: &mut PgConnection,
    actor: &CurrentUser,
    filter: &CustomerFilter,
    paging: &Paging,
) -> Result<Page<Customer>, AppError> {
    let rows = customers::list(c, scope(actor), filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

pub fn get(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<CustomerView, AppError> {
    view(c, scope(actor), id)
}

pub fn create(c: &mut PgConnection, actor: &CurrentUser, form: &CustomerForm) -> Result<CustomerView, AppError> {
    let owner = resolve_owner(c, actor, form.owner_id)?;
    let id = Uuid::now_v7();
    customers::insert(c, id, &form.values, owner)?;
    // The creator may have given the customer to someone outside its own scope.
    view(c, Scope::All, id)
}

pub fn update(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    version: i64,
    form: &CustomerForm,
) -> Result<CustomerView, AppError> {
    let current = customers::lock_visible_customer(c, scope(actor), id)?;
    if current.version != version {
        return Err(AppError::stale_version("the customer"));
    }
    let owner = match form.owner_id {
        Some(o) if o != current.owner_id => resolve_owner(c, actor, Some(o))?,
        _ => Owner {
            id: current.owner_id,
            department_id: current.department_id,
        },
    };
    customers::update(c, id, &form.values, owner)?;
    view(c, Scope::All, id)
}

pub fn deactivate(c: &mut PgConnection, actor: &CurrentUser, id: Uuid) -> Result<CustomerView, AppError> {
    let scope = scope(actor);
    customers::lock_visible_customer(c, scope, id)?;
    customers::deactivate(c, id)?;
    view(c, scope, id)
}

pub fn add_contact(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    form: &ContactForm,
) -> Result<Contact, AppError> {
    customers::visible_customer(c, scope(actor), id)?;
    customers::insert_contact(
        c,
        &NewContact {
            id: Uuid::now_v7(),
            customer_id: id,
            name: form.name.clone(),
            title: form.title.clone(),
            phone: form.phone.clone(),
            email: form.email.clone(),
            decision_maker: form.decision_maker,
        },
    )
}

pub fn remove_contact(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, contact: Uuid) -> Result<(), AppError> {
    customers::visible_customer(c, scope(actor), id)?;
    if !customers::delete_contact(c, id, contact)? {
        return Err(AppError::not_found("contact"));
    }
    Ok(())
}
