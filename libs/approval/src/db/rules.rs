//! The authority matrix's rules: list, edit, seed.

use super::types::*;
use crate::domain::{ApprovalRule, RuleSeed};
use crate::schema::approval_rules;
use chrono::Utc;
use diesel::prelude::*;
use erp_problem::{AppError, Validator};
use uuid::Uuid;

/// The rules, by document type and step; optionally of one type, or only (in)active ones.
pub fn list_rules(
    conn: &mut PgConnection,
    document_type: Option<&str>,
    active: Option<bool>,
) -> Result<Vec<ApprovalRule>, AppError> {
    let mut q = approval_rules::table
        .select(RuleRow::as_select())
        .order((
            approval_rules::document_type,
            approval_rules::step,
            approval_rules::approver_role,
            approval_rules::id,
        ))
        .into_boxed();
    if let Some(t) = document_type {
        q = q.filter(approval_rules::document_type.eq(t.to_owned()));
    }
    if let Some(a) = active {
        q = q.filter(approval_rules::active.eq(a));
    }
    q.load(conn)?.into_iter().map(ApprovalRule::try_from).collect()
}

pub fn find_rule(conn: &mut PgConnection, id: Uuid) -> Result<ApprovalRule, AppError> {
    lock_rule(conn, id, false)
}

pub(super) fn lock_rule(conn: &mut PgConnection, id: Uuid, for_update: bool) -> Result<ApprovalRule, AppError> {
    let q = approval_rules::table.find(id).select(RuleRow::as_select());
    let row = if for_update {
        q.for_update().first(conn).optional()?
    } else {
        q.first(conn).optional()?
    };
    row.ok_or_else(|| AppError::not_found("approval rule"))?.try_into()
}

/// Adds a rule (already validated, e.g. by `domain::parse_rule`); `by` is the actor.
pub fn create_rule(conn: &mut PgConnection, rule: &RuleSeed, active: bool, by: &str) -> Result<ApprovalRule, AppError> {
    let id = Uuid::now_v7();
    diesel::insert_into(approval_rules::table)
        .values((
            approval_rules::id.eq(id),
            approval_rules::document_type.eq(&rule.document_type),
            approval_rules::condition.eq(rule.condition.as_str()),
            approval_rules::threshold.eq(rule.threshold),
            approval_rules::currency.eq(&rule.currency),
            approval_rules::approver_role.eq(rule.approver_role.as_str()),
            approval_rules::step.eq(rule.step),
            approval_rules::active.eq(active),
            approval_rules::created_by.eq(by),
        ))
        .execute(conn)?;
    find_rule(conn, id)
}

/// Replaces a rule's values when `version` is still the stored one (else 409 `stale-version`);
/// `active` None keeps it as it is. Requests already submitted keep their planned steps.
pub fn update_rule(
    conn: &mut PgConnection,
    id: Uuid,
    rule: &RuleSeed,
    active: Option<bool>,
    version: i64,
) -> Result<ApprovalRule, AppError> {
    let current = lock_rule(conn, id, true)?;
    if current.version != version {
        return Err(AppError::stale_version("the approval rule"));
    }
    diesel::update(approval_rules::table.find(id))
        .set((
            approval_rules::document_type.eq(&rule.document_type),
            approval_rules::condition.eq(rule.condition.as_str()),
            approval_rules::threshold.eq(rule.threshold),
            approval_rules::currency.eq(&rule.currency),
            approval_rules::approver_role.eq(rule.approver_role.as_str()),
            approval_rules::step.eq(rule.step),
            approval_rules::active.eq(active.unwrap_or(current.active)),
            approval_rules::version.eq(approval_rules::version + 1),
            approval_rules::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    find_rule(conn, id)
}

/// Takes a rule out of the matrix (409 `wrong-state` when it is inactive already).
pub fn deactivate_rule(conn: &mut PgConnection, id: Uuid) -> Result<ApprovalRule, AppError> {
    let current = lock_rule(conn, id, true)?;
    if !current.active {
        return Err(AppError::Conflict {
            slug: "wrong-state",
            detail: "the approval rule is inactive already".into(),
        });
    }
    diesel::update(approval_rules::table.find(id))
        .set((
            approval_rules::active.eq(false),
            approval_rules::version.eq(approval_rules::version + 1),
            approval_rules::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    find_rule(conn, id)
}

/// The active rules of a document type.
pub fn active_rules(conn: &mut PgConnection, document_type: &str) -> Result<Vec<ApprovalRule>, AppError> {
    list_rules(conn, Some(document_type), Some(true))
}

/// Serialises seeding between instances starting together ("approval_seed").
pub(super) const SEED_LOCK: i64 = 0x0061_7070_725f_7365;

/// Inserts the default rules of each document type that has no rule at all yet (active or
/// not): safe at every start, and a general manager's later edits are never overwritten.
/// Returns how many rules were inserted.
pub fn seed_rules(conn: &mut PgConnection, seeds: &[RuleSeed]) -> Result<usize, AppError> {
    let mut v = Validator::new();
    for s in seeds {
        s.check(&mut v);
    }
    v.finish()?;
    diesel::sql_query(format!("SELECT pg_advisory_xact_lock({SEED_LOCK})")).execute(conn)?;
    let mut types: Vec<&str> = seeds.iter().map(|s| s.document_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    let mut inserted = 0;
    for t in types {
        let known: i64 = approval_rules::table
            .filter(approval_rules::document_type.eq(t))
            .count()
            .get_result(conn)?;
        if known > 0 {
            continue;
        }
        for s in seeds.iter().filter(|s| s.document_type == t) {
            create_rule(conn, s, true, "seed")?;
            inserted += 1;
        }
    }
    Ok(inserted)
}
