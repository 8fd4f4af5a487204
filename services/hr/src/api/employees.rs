//! Employees: the company directory (any employee reads it), maintained by `hr_admin`.

use super::{Employee, hash_password};
use crate::db::{self, EmployeeRow, schema::employees};
use crate::domain::{credentials, people};
use crate::events;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
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
        .service(republish_employees);
}

const ADMIN: [Role; 1] = [Role::HrAdmin];

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

/// Department and manager must exist, and the manager chain must not loop.
fn check_references(
    conn: &mut PgConnection,
    v: &mut Validator,
    employee_id: Uuid,
    department_id: Option<Uuid>,
    manager_id: Option<Uuid>,
) -> Result<(), AppError> {
    if let Some(d) = department_id
        && db::find_department(conn, d)?.is_none()
    {
        v.add("department_id", "no such department");
    }
    if let Some(m) = manager_id {
        if !db::employee_exists(conn, m)? {
            v.add("manager_id", "no such employee");
        } else if db::would_loop(conn, db::Hierarchy::Managers, employee_id, m)? {
            v.add("manager_id", "would make the employee their own (indirect) manager");
        }
    }
    Ok(())
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
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = employees::table
            .select(EmployeeRow::as_select())
            .order(employees::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            let p = erp_db::like_pattern(text);
            sql = sql.filter(
                employees::name
                    .ilike(p.clone())
                    .or(employees::code.ilike(p.clone()))
                    .or(employees::email.ilike(p)),
            );
        }
        if let Some(d) = q.department_id {
            sql = sql.filter(employees::department_id.eq(d));
        }
        if let Some(a) = q.active {
            sql = sql.filter(employees::active.eq(a));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(employees::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(EmployeePage {
            items: rows.into_iter().map(Employee::from).collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
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
    let row = erp_db::with_conn(&ctx.pool, move |c| db::find_employee(c, id))
        .await?
        .ok_or_else(|| AppError::not_found("employee"))?;
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
    user.require_any(&ADMIN)?;
    let req = body.into_inner();
    let mut v = Validator::new();
    let code = req.code.trim().to_owned();
    people::check_code(&mut v, "code", &code);
    let fields = people::validate_employee(&mut v, &req.name, req.email, req.phone, req.position, &req.roles);
    if let Some(p) = &req.password
        && let Err(m) = credentials::check_password_policy(p)
    {
        v.add("password", m);
    }
    if !v.is_empty() {
        return Err(v.finish().err().unwrap_or_else(|| AppError::internal("validation")));
    }
    let password_hash = match req.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let meta = ctx.event_meta(&user);
    let (department_id, manager_id) = (req.department_id, req.manager_id);
    let id = Uuid::now_v7();
    let row = erp_db::transaction(&ctx.pool, move |c| {
        let mut v = Validator::new();
        check_references(c, &mut v, id, department_id, manager_id)?;
        v.finish()?;
        let row: EmployeeRow = diesel::insert_into(employees::table)
            .values((
                employees::id.eq(id),
                employees::code.eq(&code),
                employees::name.eq(&fields.name),
                employees::email.eq(&fields.email),
                employees::phone.eq(&fields.phone),
                employees::department_id.eq(department_id),
                employees::manager_id.eq(manager_id),
                employees::position.eq(&fields.position),
                employees::roles.eq(people::role_names(&fields.roles)),
                employees::password_hash.eq(&password_hash),
                employees::password_changed_at.eq(password_hash.as_ref().map(|_| Utc::now())),
            ))
            .returning(EmployeeRow::as_returning())
            .get_result(c)?;
        events::publish_employee_changed(c, &meta, &row)?;
        Ok(row)
    })
    .await?;
    tracing::info!(employee = %row.id, code = %row.code, "employee created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/employees/{}", row.id)))
        .json(Employee::from(row)))
}

/// Changes an employee (optimistic concurrency by `version`); publishes `hr.employee.changed`.
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
    user.require_any(&ADMIN)?;
    let id = id.into_inner();
    let req = body.into_inner();
    let mut v = Validator::new();
    let fields = people::validate_employee(&mut v, &req.name, req.email, req.phone, req.position, &req.roles);
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let (department_id, manager_id, version) = (req.department_id, req.manager_id, req.version);
    let row = erp_db::transaction(&ctx.pool, move |c| {
        // The hierarchy lock before the row lock: the loop check takes it too, and two
        // updates taking them in opposite orders would deadlock.
        if manager_id.is_some() {
            db::lock_hierarchy(c, db::Hierarchy::Managers)?;
        }
        let current = db::lock_employee(c, id)?;
        if current.version != version {
            return Err(AppError::stale_version("the employee"));
        }
        let mut v = Validator::new();
        check_references(c, &mut v, id, department_id, manager_id)?;
        v.finish()?;
        let row: EmployeeRow = diesel::update(employees::table.find(id))
            .set((
                employees::name.eq(&fields.name),
                employees::email.eq(&fields.email),
                employees::phone.eq(&fields.phone),
                employees::department_id.eq(department_id),
                employees::manager_id.eq(manager_id),
                employees::position.eq(&fields.position),
                employees::roles.eq(people::role_names(&fields.roles)),
                employees::version.eq(employees::version + 1),
                employees::updated_at.eq(Utc::now()),
            ))
            .returning(EmployeeRow::as_returning())
            .get_result(c)?;
        events::publish_employee_changed(c, &meta, &row)?;
        Ok(row)
    })
    .await?;
    Ok(web::Json(row.into()))
}

async fn set_active(ctx: &AppContext, meta: EventMeta, id: Uuid, active: bool) -> Result<EmployeeRow, AppError> {
    erp_db::transaction(&ctx.pool, move |c| {
        let current = db::lock_employee(c, id)?;
        if current.active == active {
            return Ok(current);
        }
        let row: EmployeeRow = diesel::update(employees::table.find(id))
            .set((
                employees::active.eq(active),
                employees::version.eq(employees::version + 1),
                employees::updated_at.eq(Utc::now()),
            ))
            .returning(EmployeeRow::as_returning())
            .get_result(c)?;
        if !active {
            db::revoke_all_refresh_tokens(c, id)?;
        }
        events::publish_employee_changed(c, &meta, &row)?;
        Ok(row)
    })
    .await
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
    if id == user.id {
        return Err(AppError::conflict("you cannot deactivate yourself"));
    }
    Ok(web::Json(
        set_active(&ctx, ctx.event_meta(&user), id, false).await?.into(),
    ))
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
    Ok(web::Json(
        set_active(&ctx, ctx.event_meta(&user), id.into_inner(), true)
            .await?
            .into(),
    ))
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
    erp_db::transaction(&ctx.pool, move |c| {
        db::lock_employee(c, id)?;
        diesel::update(employees::table.find(id))
            .set((
                employees::password_hash.eq(&hash),
                employees::password_changed_at.eq(Utc::now()),
            ))
            .execute(c)?;
        db::revoke_all_refresh_tokens(c, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Republished {
    pub published: usize,
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
    let published = erp_db::transaction(&ctx.pool, move |c| {
        let rows: Vec<EmployeeRow> = employees::table
            .select(EmployeeRow::as_select())
            .order(employees::id)
            .load(c)?;
        for row in &rows {
            events::publish_employee_changed(c, &meta, row)?;
        }
        Ok(rows.len())
    })
    .await?;
    tracing::info!(published, "employees republished");
    Ok(web::Json(Republished { published }))
}
