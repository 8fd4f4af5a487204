//! The employee directory every service other than hr keeps: filled from `hr.employee.changed`,
//! read by approvals and visibility rules, and served at `/api/v1/directory/employees`.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_auth::CurrentUser;
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::hr::EmployeeChanged;
use erp_problem::AppError;
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

diesel::table! {
    directory_employees (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        email -> Nullable<Text>,
        department_id -> Nullable<Uuid>,
        department_code -> Nullable<Text>,
        department_name -> Nullable<Text>,
        manager_id -> Nullable<Uuid>,
        position -> Nullable<Text>,
        roles -> Array<Text>,
        active -> Bool,
        revision -> Int8,
        updated_at -> Timestamptz,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = directory_employees)]
pub struct DirectoryEmployee {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub email: Option<String>,
    pub department_id: Option<Uuid>,
    pub department_code: Option<String>,
    pub department_name: Option<String>,
    pub manager_id: Option<Uuid>,
    pub position: Option<String>,
    pub roles: Vec<String>,
    pub active: bool,
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    #[serde(flatten)]
    pub employee: DirectoryEmployee,
    /// Managers from the direct one upwards.
    pub manager_chain: Vec<ManagerRef>,
}

#[derive(Debug, Clone, Serialize, ToSchema, QueryableByName)]
pub struct ManagerRef {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub code: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
}

/// Applies a change unless a newer revision is already known (redeliveries may come late).
pub fn apply_employee_changed(conn: &mut PgConnection, e: &EmployeeChanged) -> Result<(), AppError> {
    use directory_employees as d;
    let dept = e.department.as_ref();
    let values = (
        d::code.eq(&e.code),
        d::name.eq(&e.name),
        d::email.eq(&e.email),
        d::department_id.eq(dept.map(|x| x.id)),
        d::department_code.eq(dept.map(|x| x.code.clone())),
        d::department_name.eq(dept.map(|x| x.name.clone())),
        d::manager_id.eq(e.manager_id),
        d::position.eq(&e.position),
        d::roles.eq(&e.roles),
        d::active.eq(e.active),
        d::revision.eq(e.revision),
        d::updated_at.eq(e.changed_at),
    );
    let known: Option<i64> = d::table
        .find(e.employee_id)
        .select(d::revision)
        .for_update()
        .first(conn)
        .optional()?;
    match known {
        Some(revision) if revision >= e.revision => {}
        Some(_) => {
            diesel::update(d::table.find(e.employee_id)).set(values).execute(conn)?;
        }
        None => {
            diesel::insert_into(d::table)
                .values((d::id.eq(e.employee_id), values))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn subscriptions() -> Subscriptions {
    Subscriptions::new().on::<EmployeeChanged, _>(|conn, _env: &Envelope, e| {
        apply_employee_changed(conn, &e).map_err(HandlerError::from)
    })
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<DirectoryEmployee>, AppError> {
    Ok(directory_employees::table
        .find(id)
        .select(DirectoryEmployee::as_select())
        .first(conn)
        .optional()?)
}

/// Managers above `id`, nearest first (cycles are cut by the depth limit).
pub fn manager_chain(conn: &mut PgConnection, id: Uuid) -> Result<Vec<ManagerRef>, AppError> {
    Ok(diesel::sql_query(
        "WITH RECURSIVE chain(id, code, name, manager_id, depth) AS ( \
           SELECT m.id, m.code, m.name, m.manager_id, 1 FROM directory_employees e \
             JOIN directory_employees m ON m.id = e.manager_id WHERE e.id = $1 \
           UNION ALL \
           SELECT m.id, m.code, m.name, m.manager_id, c.depth + 1 FROM chain c \
             JOIN directory_employees m ON m.id = c.manager_id WHERE c.depth < 20) \
         SELECT id, code, name FROM chain ORDER BY depth",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .load(conn)?)
}

/// Who may read the directory: anyone signed in (docs/security.md).
pub const DOORS: &[erp_auth::Door] = &[
    erp_auth::door("GET", "/api/v1/directory/employees", erp_auth::Access::Authenticated),
    erp_auth::door(
        "GET",
        "/api/v1/directory/employees/{id}",
        erp_auth::Access::Authenticated,
    ),
];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_employees).service(get_employee);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Text in the code or name (Vietnamese and Chinese work as typed).
    pub q: Option<String>,
    pub department_id: Option<Uuid>,
    pub active: Option<bool>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryPage {
    pub items: Vec<DirectoryEmployee>,
    pub next_cursor: Option<Uuid>,
}

/// Employees known to this service, from hr's events.
#[utoipa::path(
    tag = "directory",
    params(DirectoryQuery),
    responses(
        (status = 200, body = DirectoryPage),
    )
)]
#[get("/api/v1/directory/employees")]
async fn list_employees(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    query: web::Query<DirectoryQuery>,
) -> Result<web::Json<DirectoryPage>, AppError> {
    let q = query.into_inner();
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        use directory_employees as d;
        let mut sql = d::table
            .select(DirectoryEmployee::as_select())
            .order(d::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            let p = erp_db::like_pattern(text);
            sql = sql.filter(d::name.ilike(p.clone()).or(d::code.ilike(p)));
        }
        if let Some(dep) = q.department_id {
            sql = sql.filter(d::department_id.eq(dep));
        }
        if let Some(active) = q.active {
            sql = sql.filter(d::active.eq(active));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(d::id.gt(after));
        }
        let mut items = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut items, limit, |e| e.id);
        Ok(DirectoryPage { items, next_cursor })
    })
    .await?;
    Ok(web::Json(page))
}

/// One employee with the chain of managers above them.
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "employee id")),
    responses(
        (status = 200, body = DirectoryEntry),
    )
)]
#[get("/api/v1/directory/employees/{id}")]
async fn get_employee(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<DirectoryEntry>, AppError> {
    let id = id.into_inner();
    let entry = erp_db::with_conn(&ctx.pool, move |c| {
        let employee = find(c, id)?.ok_or_else(|| AppError::not_found("employee"))?;
        let manager_chain = manager_chain(c, id)?;
        Ok(DirectoryEntry {
            employee,
            manager_chain,
        })
    })
    .await?;
    Ok(web::Json(entry))
}
