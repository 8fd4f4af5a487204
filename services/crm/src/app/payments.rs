//! The payment plan of a sales order (DOMAIN.md §1): instalments with due dates that sum to
//! the order total; confirmed receipts pay them oldest first, and an instalment past its due
//! date and not fully paid is overdue.

use crate::db::payments::{self as plans, Instalment, NewInstalment};
use crate::db::{self, SalesOrderRow};
use crate::domain::documents::OrderStatus;
use crate::domain::fulfilment::{ReceiptStatus, allocate, money};
use crate::domain::visibility::scope;
use chrono::{NaiveDate, Utc};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct InstalmentInput {
    pub due_date: NaiveDate,
    /// At the order currency's scale (no decimals for VND).
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentPlanInput {
    /// In due-date order; the amounts sum to the order total exactly.
    pub instalments: Vec<InstalmentInput>,
}

/// An instalment and what confirmed receipts paid of it.
#[derive(Debug, Clone)]
pub struct PlannedInstalment {
    pub row: Instalment,
    pub paid: Decimal,
    /// Past its due date and not fully paid.
    pub overdue: bool,
}

/// The order's plan with confirmed receipts allocated.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub order: SalesOrderRow,
    pub instalments: Vec<PlannedInstalment>,
    /// Confirmed receipts.
    pub paid: Decimal,
}

/// The currency of an order, as stored.
pub(crate) fn currency_of(o: &SalesOrderRow) -> Result<Currency, AppError> {
    Currency::parse(&o.currency).map_err(AppError::internal)
}

/// The plan with confirmed receipts allocated oldest instalment first.
fn plan_view(c: &mut PgConnection, order: SalesOrderRow) -> Result<PlanView, AppError> {
    let rows = plans::instalments(c, order.id)?;
    let paid = db::receipts::total(c, order.id, &[ReceiptStatus::Confirmed])?;
    let amounts: Vec<Decimal> = rows.iter().map(|r| r.amount).collect();
    let today = erp_calendar::today();
    let instalments = rows
        .into_iter()
        .zip(allocate(paid, &amounts))
        .map(|(row, covered)| PlannedInstalment {
            overdue: row.due_date < today && covered < row.amount,
            paid: covered,
            row,
        })
        .collect();
    Ok(PlanView {
        order,
        instalments,
        paid,
    })
}

/// The order's payment plan, if the actor sees the order.
pub fn plan(c: &mut PgConnection, actor: &CurrentUser, order_id: Uuid) -> Result<PlanView, AppError> {
    let order = db::visible_order(c, scope(actor), order_id)?;
    plan_view(c, order)
}

/// Replaces the plan of a draft, approved or in-fulfilment order: due dates ascending, amounts
/// at the currency's scale summing to the order total exactly.
pub fn set_plan(
    c: &mut PgConnection,
    actor: &CurrentUser,
    order_id: Uuid,
    input: &PaymentPlanInput,
) -> Result<PlanView, AppError> {
    let o = db::lock_visible_order(c, scope(actor), order_id)?;
    let status = o.status;
    if !matches!(
        status,
        OrderStatus::Draft | OrderStatus::Approved | OrderStatus::InFulfilment
    ) {
        return Err(AppError::wrong_state(format!(
            "the payment plan of a {} order cannot change",
            status.as_str()
        )));
    }
    check_plan(&o, input)?;
    let (actor_name, now) = (actor.actor(), Utc::now());
    let notes: Vec<Option<String>> = input
        .instalments
        .iter()
        .map(|i| erp_problem::clean(i.note.as_deref()))
        .collect();
    let rows: Vec<NewInstalment<'_>> = input
        .instalments
        .iter()
        .zip(&notes)
        .enumerate()
        .map(|(i, (inst, note))| NewInstalment {
            order_id,
            seq: i32::try_from(i + 1).unwrap_or(i32::MAX),
            due_date: inst.due_date,
            amount: inst.amount,
            note: note.as_deref(),
            set_by: &actor_name,
            set_at: now,
        })
        .collect();
    plans::replace(c, order_id, &rows)?;
    plan_view(c, o)
}

/// 422 naming each instalment's field that is wrong, and `instalments` when the sum is off.
fn check_plan(o: &SalesOrderRow, input: &PaymentPlanInput) -> Result<(), AppError> {
    let currency = currency_of(o)?;
    let mut v = Validator::new();
    v.check(
        !input.instalments.is_empty(),
        "instalments",
        "must have at least one instalment",
    );
    let mut previous: Option<NaiveDate> = None;
    for (i, inst) in input.instalments.iter().enumerate() {
        if let Some(problem) = currency.amount_problem(inst.amount) {
            v.add(format!("instalments[{i}].amount"), problem);
        }
        v.optional_text(&format!("instalments[{i}].note"), inst.note.as_deref(), 1000);
        if let Some(p) = previous
            && inst.due_date <= p
        {
            v.add(
                format!("instalments[{i}].due_date"),
                "must be after the previous instalment's due date",
            );
        }
        previous = Some(inst.due_date);
    }
    let sum: Decimal = input.instalments.iter().map(|i| i.amount).sum();
    if !input.instalments.is_empty() && sum != o.total {
        v.add(
            "instalments",
            format!("the amounts sum to {}; the order total is {}", sum, money(o.total)),
        );
    }
    v.finish()
}
