//! What a person may see and what waits for them.

use super::decision::*;
use super::requests::*;
use super::types::*;
use crate::domain::RequestStatus;
use crate::schema::{approval_requests, approval_steps};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_problem::AppError;
use uuid::Uuid;

/// Whether `user` may read a request: general and vice presidents all; others their own, the
/// ones they decided, their department's as sales manager, and those whose steps name a role
/// they hold (a sales manager: for their reports or department).
pub(super) fn can_view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    d: &ApprovalDetail,
    scope: &mut SalesScope,
) -> Result<bool, AppError> {
    if user.has_any_role(&SEE_ALL)
        || d.request.submitted_by == user.id
        || d.steps.iter().any(|s| s.decided_by == Some(user.id))
    {
        return Ok(true);
    }
    let roles: Vec<Role> = d
        .steps
        .iter()
        .map(|s| s.approver_role)
        .filter(|r| user.has_role(*r))
        .collect();
    if roles.iter().any(|r| *r != Role::SalesManager) {
        return Ok(true);
    }
    if user.has_role(Role::SalesManager) {
        if scope.department.is_some() && scope.department == d.request.submitter_department {
            return Ok(true);
        }
        if !roles.is_empty() {
            return scope.allows(conn, &d.request);
        }
    }
    Ok(false)
}

/// A request with its history, if `user` may see it (else 404: ids leak nothing).
pub fn find_visible(conn: &mut PgConnection, user: &CurrentUser, request_id: Uuid) -> Result<ApprovalDetail, AppError> {
    let d = find(conn, request_id)?;
    let mut scope = SalesScope::new(conn, user)?;
    if can_view(conn, user, &d, &mut scope)? {
        Ok(d)
    } else {
        Err(AppError::not_found("approval request"))
    }
}

/// Filters of the request list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<RequestStatus>,
    pub document_type: Option<String>,
    pub document_id: Option<Uuid>,
    /// Newest first: requests with a smaller id than this.
    pub cursor: Option<Uuid>,
    pub limit: i64,
}

/// The requests `user` may see, newest first, one page; the cursor of the next page.
pub fn list_visible(
    conn: &mut PgConnection,
    user: &CurrentUser,
    filter: &ListFilter,
) -> Result<(Vec<ApprovalDetail>, Option<Uuid>), AppError> {
    use approval_requests as r;
    let mut q = r::table
        .select(RequestRow::as_select())
        .order(r::id.desc())
        .limit(filter.limit + 1)
        .into_boxed();
    if let Some(s) = filter.status {
        q = q.filter(r::status.eq(s.as_str()));
    }
    if let Some(t) = &filter.document_type {
        q = q.filter(r::document_type.eq(t.clone()));
    }
    if let Some(id) = filter.document_id {
        q = q.filter(r::document_id.eq(id));
    }
    if let Some(c) = filter.cursor {
        q = q.filter(r::id.lt(c));
    }
    let mut scope = SalesScope::new(conn, user)?;
    if !user.has_any_role(&SEE_ALL) {
        // A coarse filter in SQL; `can_view` decides row by row.
        let roles: Vec<String> = user.roles.iter().map(|x| x.as_str().to_owned()).collect();
        let involved = approval_steps::table
            .filter(
                approval_steps::decided_by
                    .eq(user.id)
                    .or(approval_steps::approver_role.eq_any(roles)),
            )
            .select(approval_steps::request_id);
        let department = scope.department.filter(|_| user.has_role(Role::SalesManager));
        q = q.filter(
            r::submitted_by
                .eq(user.id)
                .or(r::submitter_department
                    .eq(department)
                    .and(r::submitter_department.is_not_null()))
                .or(r::id.eq_any(involved)),
        );
    }
    let mut rows = q
        .load(conn)?
        .into_iter()
        .map(ApprovalRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = erp_db::split_page(&mut rows, filter.limit, |r| r.id);
    let mut visible = Vec::new();
    for d in with_steps(conn, rows)? {
        if can_view(conn, user, &d, &mut scope)? {
            visible.push(d);
        }
    }
    Ok((visible, next_cursor))
}
