//! Change requests on an approved order (seed 002 "change review"): proposed line and term
//! changes with their own review record (A–I) and their own approval through the matrix
//! (document type `order_change`); applied to the order only when approved, which publishes
//! `crm.order.changed`.

mod approval;

pub use approval::{decide, submit};

use super::lines::{self, LineRequest};
use super::orders::{ContractTerms, ReviewEntry, check_review};
use crate::db::changes::{self as rows, ChangeRow, NewChange};
use crate::db::sales_orders::{self as orders, OrderLineRow, SalesOrderRow};
use crate::domain::documents::{ChangeAction, ChangeStatus};
use crate::domain::visibility::{Scope, scope};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::PgConnection;
use erp_approval::withdraw_pending;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

/// The approval document type of change requests.
pub const DOCUMENT_TYPE: &str = "order_change";

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineChange {
    pub order_line_id: Uuid,
    /// Not below what was already requested from the warehouse.
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub discount_pct: Option<Decimal>,
    pub delivery_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangeInput {
    pub reason: String,
    #[serde(default)]
    pub changes: Vec<LineChange>,
    #[serde(default)]
    pub add_lines: Vec<LineRequest>,
    /// New contract terms, replacing the old ones.
    pub terms: Option<ContractTerms>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeReview {
    pub items: Vec<ReviewEntry>,
}

/// The order's line set as it would be after the change: existing lines first (changed), then
/// the added ones; checks each change against what was already requested.
fn proposed_lines(existing: &[OrderLineRow], input: &ChangeInput) -> Result<Vec<LineRequest>, AppError> {
    let mut v = Validator::new();
    v.text("reason", &input.reason, 2000);
    v.check(
        !input.changes.is_empty() || !input.add_lines.is_empty() || input.terms.is_some(),
        "changes",
        "a change request must change something",
    );
    let mut requests: Vec<LineRequest> = existing
        .iter()
        .map(|l| LineRequest {
            item_id: l.item_id,
            description: Some(l.description.clone()),
            quantity: l.quantity,
            unit_price: Some(l.unit_price),
            discount_pct: l.discount_pct,
            tax_rate_pct: l.tax_rate,
            delivery_date: l.delivery_date,
        })
        .collect();
    for (i, c) in input.changes.iter().enumerate() {
        let Some(pos) = existing.iter().position(|l| l.id == c.order_line_id) else {
            v.add(format!("changes[{i}].order_line_id"), "not a line of this order");
            continue;
        };
        if let Some(q) = c.quantity {
            if q < existing[pos].requested {
                v.add(
                    format!("changes[{i}].quantity"),
                    format!("{} was already requested from the warehouse", existing[pos].requested),
                );
            }
            requests[pos].quantity = q;
        }
        if let Some(p) = c.unit_price {
            requests[pos].unit_price = Some(p);
        }
        if let Some(d) = c.discount_pct {
            requests[pos].discount_pct = d;
        }
        if c.delivery_date.is_some() {
            requests[pos].delivery_date = c.delivery_date;
        }
    }
    v.finish()?;
    requests.extend(input.add_lines.iter().cloned());
    Ok(requests)
}

/// The change request and its order, both locked (the order first, as every order's
/// document), if `scope` sees the order; 404 otherwise.
pub(crate) fn lock_change(
    c: &mut PgConnection,
    scope: Scope,
    id: Uuid,
) -> Result<(ChangeRow, SalesOrderRow), AppError> {
    let order_id = rows::order_of(c, id)?;
    let order = orders::lock_visible(c, scope, order_id).map_err(|_| AppError::not_found("change request"))?;
    Ok((rows::lock(c, id)?, order))
}

/// The order's change requests, oldest first.
pub fn of_order(c: &mut PgConnection, actor: &CurrentUser, order_id: Uuid) -> Result<Vec<ChangeRow>, AppError> {
    orders::visible(c, scope(actor), order_id)?;
    rows::of_order(c, order_id)
}

/// Proposes changes to an approved order; the order itself does not change until approval.
pub fn create(
    c: &mut PgConnection,
    actor: &CurrentUser,
    order_id: Uuid,
    input: &ChangeInput,
) -> Result<ChangeRow, AppError> {
    let order = orders::lock_visible(c, scope(actor), order_id)?;
    if !order.status.is_open_for_fulfilment() {
        return Err(AppError::wrong_state(format!(
            "only an approved order is changed by a change request; this one is {}",
            order.status
        )));
    }
    let existing = orders::lines(c, order_id)?;
    let requests = proposed_lines(&existing, input)?;
    let (_, priced) = lines::build(c, lines::parse_currency(&order.currency)?, &requests)?;
    let number = erp_db::next_number(c, "CR", erp_calendar::today().year())?;
    let id = Uuid::now_v7();
    erp_bus::flow::inherit(c, (DOCUMENT_TYPE, id), (crate::app::orders::DOCUMENT_TYPE, order_id))?;
    rows::insert(
        c,
        &NewChange {
            id,
            number: &number,
            order_id,
            reason: input.reason.trim(),
            proposed: json!(input),
            status: ChangeStatus::Draft,
            net: priced.totals.net,
            tax: priced.totals.tax,
            total: priced.totals.total,
            below_floor: priced.below_floor,
            margin_pct: priced.margin_pct,
            created_by: &actor.actor(),
        },
    )
}

/// Records the change review (items A–I) before submitting.
pub fn review(
    c: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &ChangeReview,
) -> Result<ChangeRow, AppError> {
    check_review(&input.items)?;
    let (change, _) = lock_change(c, scope(actor), id)?;
    change.status.transition(ChangeAction::Review)?;
    let by = actor.actor();
    let review: Vec<serde_json::Value> = input
        .items
        .iter()
        .map(|e| json!({"item": e.item, "result": e.result, "note": e.note, "reviewed_by": by, "reviewed_at": Utc::now()}))
        .collect();
    rows::set_review(c, id, json!(review))
}

/// Cancels a draft or pending change; a pending approval is withdrawn with it.
pub fn cancel(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<ChangeRow, AppError> {
    let (change, _) = lock_change(c, scope(actor), id)?;
    let updated = rows::set_status(c, id, change.status.transition(ChangeAction::Cancel)?)?;
    if change.status == ChangeStatus::PendingApproval {
        withdraw_pending::<approval::ChangeDocument>(c, id, actor, meta)?;
    }
    Ok(updated)
}

/// Applies an approved change to the order and publishes `crm.order.changed`.
fn apply(c: &mut PgConnection, change: &ChangeRow, order: &SalesOrderRow, meta: &EventMeta) -> Result<(), AppError> {
    if !order.status.is_open_for_fulfilment() {
        return Err(AppError::conflict(format!(
            "the order is {} and can no longer change",
            order.status
        )));
    }
    let input: ChangeInput = serde_json::from_value(change.proposed.clone()).map_err(AppError::internal)?;
    let existing = orders::lines(c, order.id)?;
    let requests = proposed_lines(&existing, &input)?;
    let currency = lines::parse_currency(&order.currency)?;
    let (rows, priced) = lines::build(c, currency, &requests)?;
    for (line, row) in existing.iter().zip(rows.iter()) {
        orders::update_line(c, line.id, row)?;
    }
    let mut next_no = existing.iter().map(|l| l.line_no).max().unwrap_or(0);
    for row in rows.iter().skip(existing.len()) {
        next_no += 1;
        orders::insert_line(c, order.id, next_no, row)?;
    }
    let terms = input.terms.as_ref().map_or_else(|| order.terms.clone(), |t| json!(t));
    orders::set_changed_totals(
        c,
        order.id,
        &orders::ChangedTotals {
            net: priced.totals.net,
            tax: priced.totals.tax,
            total: priced.totals.total,
            total_in_words: &super::orders::words(priced.totals.total, &order.currency)?,
            margin_pct: priced.margin_pct,
            below_floor: priced.below_floor,
            terms,
        },
    )?;
    let updated = orders::visible(c, Scope::All, order.id)?;
    let event = erp_contracts::crm::OrderChanged {
        change_request_id: change.id,
        order: super::orders::approved_event(c, &updated)?,
    };
    erp_bus::enqueue(c, meta, &event)?;
    Ok(())
}
