//! Money of a sales order (DOMAIN.md §1): the payment plan (instalments with due dates that sum
//! to the order total) and receipts. Sales records money received; a `finance_manager`
//! confirms or rejects it, and a confirmation publishes `crm.receipt.confirmed`. Confirmed
//! receipts pay the instalments oldest first; an instalment past its due date and not fully
//! paid is overdue.

mod receipts;

use super::SELLERS;
use crate::app::payments::{self, PaymentPlanInput, PlanView, PlannedInstalment};
use crate::domain::fulfilment::money;
use actix_web::{get, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use erp_auth::CurrentUser;
use erp_problem::{AppError, Json, Problem};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_payment_plan).service(set_payment_plan);
    receipts::routes(cfg);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstalmentView {
    pub seq: i32,
    pub due_date: NaiveDate,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub note: Option<String>,
    /// Confirmed receipts allocated to this instalment (oldest instalment first).
    #[schema(value_type = String)]
    pub paid: Decimal,
    #[schema(value_type = String)]
    pub outstanding: Decimal,
    /// Past its due date and not fully paid.
    pub overdue: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPlan {
    pub order_id: Uuid,
    pub currency: String,
    /// The order total.
    #[schema(value_type = String)]
    pub total: Decimal,
    /// The sum of the instalments (differs from the total only if a draft order changed since).
    #[schema(value_type = String)]
    pub planned: Decimal,
    /// Confirmed receipts.
    #[schema(value_type = String)]
    pub paid: Decimal,
    pub instalments: Vec<InstalmentView>,
    pub set_by: Option<String>,
    pub set_at: Option<DateTime<Utc>>,
}

impl From<PlannedInstalment> for InstalmentView {
    fn from(i: PlannedInstalment) -> Self {
        InstalmentView {
            seq: i.row.seq,
            due_date: i.row.due_date,
            amount: money(i.row.amount),
            note: i.row.note,
            paid: money(i.paid),
            outstanding: money(i.row.amount - i.paid),
            overdue: i.overdue,
        }
    }
}

impl From<PlanView> for PaymentPlan {
    fn from(p: PlanView) -> Self {
        let first = p.instalments.first().map(|i| (i.row.set_by.clone(), i.row.set_at));
        PaymentPlan {
            order_id: p.order.id,
            currency: p.order.currency,
            total: money(p.order.total),
            planned: money(p.instalments.iter().map(|i| i.row.amount).sum()),
            paid: money(p.paid),
            instalments: p.instalments.into_iter().map(Into::into).collect(),
            set_by: first.as_ref().map(|(by, _)| by.clone()),
            set_at: first.map(|(_, at)| at),
        }
    }
}

/// The order's payment plan, each instalment with what confirmed receipts paid of it.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "order id")),
    responses(
        (status = 200, body = PaymentPlan),
    )
)]
#[get("/api/v1/orders/{id}/payment-plan")]
async fn get_payment_plan(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<PaymentPlan>, AppError> {
    let id = id.into_inner();
    let plan = erp_db::with_conn(&ctx.pool, move |c| payments::plan(c, &user, id)).await?;
    Ok(web::Json(plan.into()))
}

/// Replaces the payment plan while the order is a draft, approved or in fulfilment: due dates
/// ascending, amounts at the currency's scale summing to the order total exactly.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "order id")),
    request_body = PaymentPlanInput,
    responses(
        (status = 200, body = PaymentPlan),
        (status = 409, description = "the order is not a draft, approved or in fulfilment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/orders/{id}/payment-plan")]
async fn set_payment_plan(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PaymentPlanInput>,
) -> Result<web::Json<PaymentPlan>, AppError> {
    user.require_any(&SELLERS)?;
    let (id, input) = (id.into_inner(), body.into_inner());
    let plan = erp_db::transaction(&ctx.pool, move |c| payments::set_plan(c, &user, id, &input)).await?;
    Ok(web::Json(plan.into()))
}
