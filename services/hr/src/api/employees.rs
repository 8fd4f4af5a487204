//! Employees: the company directory (any employee reads it), maintained by `hr_admin`.

use super::{Employee, hash_password};
use crate::app::employees::{self as app, EmployeeFilter, EmployeeValues};
use crate::db::EmployeeRow;
use crate::domain::{credentials, people};
use actix_web::{HttpResponse, get, http::header, post, put, web};
use erp_auth::{CurrentUser, Role};
use erp_db::{Page, Paging};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_employees)
        .service(get_employee)
        .service(create_employee)
        .service(update_employee)
        .service(deactivate_employee)
        .service(activate_employee)
        .service(set_employee_password)
        .service(unlock_employee)
        .service(republish_employees);
}

const ADMIN: [Role; 1] = [Role::HrAdmin];
/// Who hires and changes people: hr admins, and the general manager (who alone grants the
/// governing roles, docs/security.md).
const STAFFING: [Role; 2] = [Role::HrAdmin, Role::GeneralManager];

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateEmployee {
    /// Unique, case-insensitive; letters, digits, `-`, `_`, `.`.
    pub code: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub position: Option<String>,
    /// Role names; `employee` is always added.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Initial password (8–128 characters); without it the employee cannot log in yet.
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateEmployee {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub position: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    /// The version that was read; a different current version is a 409.
    pub version: i64,
}

impl CreateEmployee {
    /// The code and the values to store, or a 422 naming every bad field (the password too).
    fn validated(&self) -> Result<(String, EmployeeValues), AppError> {
        let mut v = Validator::new();
        let code = self.code.trim().to_owned();
        people::check_code(&mut v, "code", &code);
        let fields = people::validate_employee(
            &mut v,
            &self.name,
            self.email.as_deref(),
            self.phone.as_deref(),
            self.position.as_deref(),
            &self.roles,
        );
        if let Some(p) = &self.password
            && let Err(m) = credentials::check_password_policy(p)
        {
            v.add("password", m);
        }
        v.finish()?;
        let values = EmployeeValues {
            fields,
            department_id: self.department_id,
            manager_id: self.manager_id,
        };
        Ok((code, values))
    }
}

impl UpdateEmployee {
    fn validated(&self) -> Result<EmployeeValues, AppError> {
        let mut v = Validator::new();
        let fields = people::validate_employee(
            &mut v,
            &self.name,
            self.email.as_deref(),
            self.phone.as_deref(),
            self.position.as_deref(),
            &self.roles,
        );
        v.finish()?;
        Ok(EmployeeValues {
            fields,
            department_id: self.department_id,
            manager_id: self.manager_id,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetPassword {
    pub new_password: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployeeQuery {
    /// Text in code, name or e-mail.
    pub q: Option<String>,
    pub department_id: Option<Uuid>,
    pub active: Option<bool>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeePage {
    pub items: Vec<Employee>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<EmployeeRow>> for EmployeePage {
    fn from(p: Page<EmployeeRow>) -> Self {
        let p = p.map(Employee::from);
        EmployeePage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Republished {
    pub published: usize,
}

/// The company directory.
#[utoipa::path(
    tag = "employees",
    params(EmployeeQuery),
    responses(
        (status = 200, body = EmployeePage),
    )
)]
#[get("/api/v1/employees")]
async fn list_employees(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<EmployeeQuery>,
) -> Result<web::Json<EmployeePage>, AppError> {
    let q = query.into_inner();
    let paging = Paging::new(q.limit, q.cursor);
    let filter = EmployeeFilter {
        text: q.q,
        department_id: q.department_id,
        active: q.active,
    };
    let page = erp_db::with_conn(&ctx.pool, move |c| app::list(c, &filter, paging)).await?;
    Ok(web::Json(page.into()))
}

#[utoipa::path(
    tag = "employees",
    params(("id" = Uuid, Path, description = "employee id")),
    responses(
        (status = 200, body = Employee),
    )
)]
#[get("/api/v1/employees/{id}")]
async fn get_employee(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Employee>, AppError> {
    let id = id.into_inner();
    let row = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(row.into()))
}

/// Creates an employee and publishes `hr.employee.changed`.
#[utoipa::path(
    tag = "employees",
    request_body = CreateEmployee,
    responses(
        (status = 201, body = Employee),
        (status = 409, description = "the code or e-mail is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/employees")]
async fn create_employee(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<CreateEmployee>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&STAFFING)?;
    let req = body.into_inner();
    let (code, values) = req.validated()?;
    // Hashed before the transaction: argon2 runs off the async workers without a connection.
    let password_hash = match req.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let meta = ctx.event_meta(&user);
    let row = erp_db::transaction(&ctx.pool, move |c| {
        app::create(c, &user, &code, &values, password_hash.as_deref(), &meta)
    })
    .await?;
    tracing::info!(employee = %row.id, code = %row.code, "employee created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/employees/{}", row.id)))
        .json(Employee::from(row)))
}

/// Changes an employee (optimistic concurrency by `version`); publishes `hr.employee.changed`.
/// Nobody changes their own roles; `general_manager`, `vice_president` and `hr_admin` are granted
/// and withdrawn by a general manager only. A change of roles ends the employee's sessions.
#[utoipa::path(
    tag = "employees",
    params(("id" = Uuid, Path, description = "employee id")),
    request_body = UpdateEmployee,
    responses(
        (status = 200, body = Employee),
        (status = 409, description = "stale version or e-mail taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/employees/{id}")]
async fn update_employee(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<UpdateEmployee>,
) -> Result<web::Json<Employee>, AppError> {
    user.require_any(&STAFFING)?;
    let id = id.into_inner();
    let req = body.into_inner();
    let values = req.validated()?;
    let (meta, version) = (ctx.event_meta(&user), req.version);
    let row = erp_db::transaction(&ctx.pool, move |c| app::update(c, &user, id, &values, version, &meta)).await?;
    Ok(web::Json(row.into()))
}

/// The employee can no longer sign in; their sessions end. Publishes `hr.employee.changed`.
#[utoipa::path(
    tag = "employees",
    params(("id" = Uuid, Path, description = "employee id")),
    responses(
        (status = 200, body = Employee),
        (status = 409, description = "an employee cannot deactivate themselves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/employees/{id}/deactivate")]
async fn deactivate_employee(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Employee>, AppError> {
    user.require_any(&ADMIN)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let row = erp_db::transaction(&ctx.pool, move |c| app::deactivate(c, &user, id, &meta)).await?;
    Ok(web::Json(row.into()))
}

/// Publishes `hr.employee.changed`.
#[utoipa::path(
    tag = "employees",
    params(("id" = Uuid, Path, description = "employee id")),
    responses(
        (status = 200, body = Employee),
    )
)]
#[post("/api/v1/employees/{id}/activate")]
async fn activate_employee(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Employee>, AppError> {
    user.require_any(&ADMIN)?;
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let row = erp_db::transaction(&ctx.pool, move |c| app::activate(c, id, &meta)).await?;
    Ok(web::Json(row.into()))
}

/// Sets (or resets) an employee's password; their sessions end.
#[utoipa::path(
    tag = "employees",
    params(("id" = Uuid, Path, description = "employee id")),
    request_body = SetPassword,
    responses(
        (status = 204, description = "set"),
    )
)]
#[post("/api/v1/employees/{id}/password")]
async fn set_employee_password(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<SetPassword>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&ADMIN)?;
    let id = id.into_inner();
    let password = body.into_inner().new_password;
    if let Err(m) = credentials::check_password_policy(&password) {
        return Err(AppError::validation("new_password", m));
    }
    let hash = hash_password(password).await?;
    erp_db::transaction(&ctx.pool, move |c| app::set_password(c, id, &hash)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lifts the lockout that failed logins put on an employee's account (hr_admin); the client
/// addresses' counts stay.
#[utoipa::path(
    tag = "employees",
    params(("id" = Uuid, Path, description = "employee id")),
    responses(
        (status = 204, description = "unlocked (or was not locked)"),
    )
)]
#[post("/api/v1/employees/{id}/unlock")]
async fn unlock_employee(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&ADMIN)?;
    let id = id.into_inner();
    erp_db::transaction(&ctx.pool, move |c| crate::app::throttle::unlock_employee(c, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publishes `hr.employee.changed` again for every employee, so a service whose queue did not
/// exist yet (first start, new integrator) can fill its directory. Consumers ignore revisions
/// they already have.
#[utoipa::path(
    tag = "employees",
    responses(
        (status = 200, body = Republished),
    )
)]
#[post("/api/v1/employees/republish")]
async fn republish_employees(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
) -> Result<web::Json<Republished>, AppError> {
    user.require_any(&ADMIN)?;
    let meta = ctx.event_meta(&user);
    let published = erp_db::transaction(&ctx.pool, move |c| app::republish(c, &meta)).await?;
    tracing::info!(published, "employees republished");
    Ok(web::Json(Republished { published }))
}
