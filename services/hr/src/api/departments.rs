//! Departments: a tree, maintained by `hr_admin`, read by everyone.

use crate::db::{self, Department, EmployeeRow, schema::departments, schema::employees};
use crate::domain::people;
use crate::events;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::Utc;
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_departments)
        .service(department_tree)
        .service(get_department)
        .service(create_department)
        .service(update_department);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateDepartment {
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateDepartment {
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentNode {
    #[serde(flatten)]
    pub department: Department,
    #[schema(no_recursion)]
    pub children: Vec<DepartmentNode>,
}

/// Builds the forest from a flat list (roots are departments without a known parent).
pub fn build_tree(all: Vec<Department>) -> Vec<DepartmentNode> {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<Uuid> = all.iter().map(|d| d.id).collect();
    let mut children: HashMap<Option<Uuid>, Vec<Department>> = HashMap::new();
    for d in all {
        let parent = d.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(d);
    }
    fn attach(
        parent: Option<Uuid>,
        children: &mut HashMap<Option<Uuid>, Vec<Department>>,
        depth: usize,
    ) -> Vec<DepartmentNode> {
        let nodes = children.remove(&parent).unwrap_or_default();
        nodes
            .into_iter()
            .map(|d| {
                let id = d.id;
                DepartmentNode {
                    department: d,
                    children: if depth < 64 {
                        attach(Some(id), children, depth + 1)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }
    attach(None, &mut children, 0)
}

fn validate(code: &str, name: &str) -> Result<(), AppError> {
    let mut v = Validator::new();
    people::check_code(&mut v, "code", code.trim());
    v.text("name", name, 200);
    v.finish()
}

fn check_references(
    conn: &mut PgConnection,
    id: Uuid,
    parent_id: Option<Uuid>,
    manager_id: Option<Uuid>,
) -> Result<(), AppError> {
    let mut v = Validator::new();
    if let Some(p) = parent_id {
        if db::find_department(conn, p)?.is_none() {
            v.add("parent_id", "no such department");
        } else if db::would_loop(conn, db::Hierarchy::Departments, id, p)? {
            v.add("parent_id", "would put the department under itself");
        }
    }
    if let Some(m) = manager_id
        && !db::employee_exists(conn, m)?
    {
        v.add("manager_id", "no such employee");
    }
    v.finish()
}

#[utoipa::path(
    tag = "departments",
    responses((status = 200, body = Vec<Department>))
)]
#[get("/api/v1/departments")]
async fn list_departments(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
) -> Result<web::Json<Vec<Department>>, AppError> {
    Ok(web::Json(erp_db::with_conn(&ctx.pool, db::all_departments).await?))
}

/// The departments as a tree.
#[utoipa::path(
    tag = "departments",
    responses((status = 200, body = Vec<DepartmentNode>))
)]
#[get("/api/v1/departments/tree")]
async fn department_tree(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
) -> Result<web::Json<Vec<DepartmentNode>>, AppError> {
    let all = erp_db::with_conn(&ctx.pool, db::all_departments).await?;
    Ok(web::Json(build_tree(all)))
}

#[utoipa::path(
    tag = "departments",
    params(("id" = Uuid, Path, description = "department id")),
    responses(
        (status = 200, body = Department),
    )
)]
#[get("/api/v1/departments/{id}")]
async fn get_department(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Department>, AppError> {
    let id = id.into_inner();
    erp_db::with_conn(&ctx.pool, move |c| db::find_department(c, id))
        .await?
        .map(web::Json)
        .ok_or_else(|| AppError::not_found("department"))
}

#[utoipa::path(
    tag = "departments",
    request_body = CreateDepartment,
    responses(
        (status = 201, body = Department),
        (status = 409, description = "the code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/departments")]
async fn create_department(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<CreateDepartment>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::HrAdmin])?;
    let req = body.into_inner();
    validate(&req.code, &req.name)?;
    let id = Uuid::now_v7();
    let dept = erp_db::transaction(&ctx.pool, move |c| {
        check_references(c, id, req.parent_id, req.manager_id)?;
        Ok(diesel::insert_into(departments::table)
            .values((
                departments::id.eq(id),
                departments::code.eq(req.code.trim()),
                departments::name.eq(req.name.trim()),
                departments::parent_id.eq(req.parent_id),
                departments::manager_id.eq(req.manager_id),
            ))
            .returning(Department::as_returning())
            .get_result(c)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/departments/{}", dept.id)))
        .json(dept))
}

/// Changes a department; a new code or name is published again for its employees so every
/// service's directory shows it.
#[utoipa::path(
    tag = "departments",
    params(("id" = Uuid, Path, description = "department id")),
    request_body = UpdateDepartment,
    responses(
        (status = 200, body = Department),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/departments/{id}")]
async fn update_department(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<UpdateDepartment>,
) -> Result<web::Json<Department>, AppError> {
    user.require_any(&[Role::HrAdmin])?;
    let id = id.into_inner();
    let req = body.into_inner();
    validate(&req.code, &req.name)?;
    let meta = ctx.event_meta(&user);
    let dept = erp_db::transaction(&ctx.pool, move |c| {
        // The hierarchy lock before the row lock (see `db::would_loop`).
        if req.parent_id.is_some() {
            db::lock_hierarchy(c, db::Hierarchy::Departments)?;
        }
        let current: Department = departments::table
            .find(id)
            .select(Department::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("department"))?;
        if current.version != req.version {
            return Err(AppError::stale_version("the department"));
        }
        check_references(c, id, req.parent_id, req.manager_id)?;
        let updated: Department = diesel::update(departments::table.find(id))
            .set((
                departments::code.eq(req.code.trim()),
                departments::name.eq(req.name.trim()),
                departments::parent_id.eq(req.parent_id),
                departments::manager_id.eq(req.manager_id),
                departments::version.eq(departments::version + 1),
                departments::updated_at.eq(Utc::now()),
            ))
            .returning(Department::as_returning())
            .get_result(c)?;
        if updated.code != current.code || updated.name != current.name {
            let members: Vec<EmployeeRow> = diesel::update(employees::table.filter(employees::department_id.eq(id)))
                .set((
                    employees::version.eq(employees::version + 1),
                    employees::updated_at.eq(Utc::now()),
                ))
                .returning(EmployeeRow::as_returning())
                .get_results(c)?;
            for m in &members {
                events::publish_employee_changed(c, &meta, m)?;
            }
        }
        Ok(updated)
    })
    .await?;
    Ok(web::Json(dept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(id: Uuid, parent: Option<Uuid>, code: &str) -> Department {
        Department {
            id,
            code: code.into(),
            name: code.into(),
            parent_id: parent,
            manager_id: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn tree_nests_children_under_parents() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let forest = build_tree(vec![
            dept(a, None, "HQ"),
            dept(b, Some(a), "SALES"),
            dept(c, Some(b), "SALES-HN"),
        ]);
        assert_eq!(forest.len(), 1);
        assert_eq!(forest[0].children[0].department.code, "SALES");
        assert_eq!(forest[0].children[0].children[0].department.code, "SALES-HN");
    }
}
