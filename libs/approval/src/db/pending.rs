//! The inbox: what waits for a person's decision now, chosen in SQL so that it is right for any
//! number of pending requests, newest first, one keyset page at a time, with the total.

use super::inbox::ListFilter;
use super::requests::*;
use super::types::*;
use crate::domain::RequestStatus;
use crate::schema::approval_requests;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Uuid as SqlUuid};
use erp_auth::{CurrentUser, Role, SubjectKind};
use erp_problem::AppError;
use uuid::Uuid;

/// Pending requests of others with an undecided step at the current step number whose role the
/// person holds; a `sales_manager` step only when the submitter reports to them (at any depth,
/// as the directory says) or works in their department. The same rule as deciding
/// (`pick_steps`), so everything listed can be decided.
const REPORTS: &str = "\
    WITH RECURSIVE reports(id, depth) AS ( \
      SELECT e.id, 1 FROM directory_employees e WHERE e.manager_id = $1 \
      UNION ALL \
      SELECT e.id, r.depth + 1 FROM directory_employees e JOIN reports r ON e.manager_id = r.id \
       WHERE r.depth < 20)";
const WAITING: &str = "\
    FROM approval_requests r \
    WHERE r.status = 'pending' AND r.submitted_by <> $1 \
      AND ($4::text IS NULL OR r.document_type = $4) \
      AND ($5::uuid IS NULL OR r.document_id = $5) \
      AND EXISTS ( \
        SELECT 1 FROM approval_steps s \
         WHERE s.request_id = r.id AND s.step = r.current_step AND s.decision IS NULL \
           AND s.approver_role = ANY($2) \
           AND (s.approver_role <> 'sales_manager' \
                OR r.submitted_by IN (SELECT id FROM reports) \
                OR ($3::uuid IS NOT NULL AND $3 = COALESCE( \
                      (SELECT d.department_id FROM directory_employees d WHERE d.id = r.submitted_by), \
                      r.submitter_department))))";

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// One page of what waits for `user` (newest first), the cursor of the next page and how many
/// wait in all.
pub fn list_pending_for(
    conn: &mut PgConnection,
    user: &CurrentUser,
    filter: &ListFilter,
) -> Result<(Vec<ApprovalDetail>, Option<Uuid>, i64), AppError> {
    let asks_other_state = filter.status.is_some_and(|s| s != RequestStatus::Pending);
    if user.kind != SubjectKind::Employee || user.roles.is_empty() || asks_other_state {
        return Ok((Vec::new(), None, 0));
    }
    let roles: Vec<String> = user.roles.iter().map(|r| r.as_str().to_owned()).collect();
    let department = if user.has_role(Role::SalesManager) {
        erp_directory::find(conn, user.id)?
            .and_then(|e| e.department_id)
            .or(user.department_id)
    } else {
        None
    };
    let document_type = filter.document_type.clone();
    let page: Vec<Uuid> = diesel::sql_query(format!(
        "{REPORTS} SELECT r.id {WAITING} AND ($6::uuid IS NULL OR r.id < $6) ORDER BY r.id DESC LIMIT $7"
    ))
    .bind::<SqlUuid, _>(user.id)
    .bind::<Array<Text>, _>(&roles)
    .bind::<Nullable<SqlUuid>, _>(department)
    .bind::<Nullable<Text>, _>(document_type.clone())
    .bind::<Nullable<SqlUuid>, _>(filter.document_id)
    .bind::<Nullable<SqlUuid>, _>(filter.cursor)
    .bind::<BigInt, _>(filter.limit + 1)
    .load::<Id>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect();
    let total = diesel::sql_query(format!("{REPORTS} SELECT count(*) AS total {WAITING}"))
        .bind::<SqlUuid, _>(user.id)
        .bind::<Array<Text>, _>(&roles)
        .bind::<Nullable<SqlUuid>, _>(department)
        .bind::<Nullable<Text>, _>(document_type)
        .bind::<Nullable<SqlUuid>, _>(filter.document_id)
        .get_result::<Count>(conn)?
        .total;
    let mut requests = approval_requests::table
        .filter(approval_requests::id.eq_any(&page))
        .select(RequestRow::as_select())
        .order(approval_requests::id.desc())
        .load(conn)?
        .into_iter()
        .map(ApprovalRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = erp_db::split_page(&mut requests, filter.limit, |r| r.id);
    Ok((with_steps(conn, requests)?, next_cursor, total))
}
