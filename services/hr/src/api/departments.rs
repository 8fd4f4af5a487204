//! Departments: a tree, maintained by `hr_admin`, read by everyone.

use crate::app::departments::{self as app, DepartmentFields};
use crate::db::DepartmentRow;
use crate::domain::people;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
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

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Department {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DepartmentRow> for Department {
    fn from(r: DepartmentRow) -> Self {
        Department {
            id: r.id,
            code: r.code,
            name: r.name,
            parent_id: r.parent_id,
            manager_id: r.manager_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
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
    let ids: HashSet<Uuid> = all.iter().map(|d| d.id).collect();
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

/// Validates a department as given and gives the fields to store (code and name trimmed).
fn fields(
    code: &str,
    name: &str,
    parent_id: Option<Uuid>,
    manager_id: Option<Uuid>,
) -> Result<DepartmentFields, AppError> {
    let mut v = Validator::new();
    people::check_code(&mut v, "code", code.trim());
    v.text("name", name, 200);
    v.finish()?;
    Ok(DepartmentFields {
        code: code.trim().to_owned(),
        name: name.trim().to_owned(),
        parent_id,
        manager_id,
    })
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
    let rows = erp_db::with_conn(&ctx.pool, app::list).await?;
    Ok(web::Json(rows.into_iter().map(Department::from).collect()))
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
    let rows = erp_db::with_conn(&ctx.pool, app::list).await?;
    Ok(web::Json(build_tree(rows.into_iter().map(Department::from).collect())))
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
    let row = erp_db::with_conn(&ctx.pool, move |c| app::get(c, id)).await?;
    Ok(web::Json(row.into()))
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
    let fields = fields(&req.code, &req.name, req.parent_id, req.manager_id)?;
    let dept = Department::from(erp_db::transaction(&ctx.pool, move |c| app::create(c, &fields)).await?);
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
        (status = 409, description = "stale version or the code is taken", body = Problem, content_type = "application/problem+json"),
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
    let fields = fields(&req.code, &req.name, req.parent_id, req.manager_id)?;
    let meta = ctx.event_meta(&user);
    let version = req.version;
    let row = erp_db::transaction(&ctx.pool, move |c| app::update(c, id, &fields, version, &meta)).await?;
    Ok(web::Json(row.into()))
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
