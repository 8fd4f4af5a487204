//! Supplier payments: purchasing's approved payment requests (`purchasing.payment.requested`)
//! wait here as `awaiting`; a finance manager pays one (Dr 331 with the supplier as party /
//! Cr 112) and `finance.payment.made` tells purchasing.

use super::{MANAGERS, READERS, clean, wrong_state};
use crate::db::ledger::{self, NewEntry, NewLine, PartyKind, PostMeta, Source};
use crate::db::{Payment, schema::payments};
use crate::domain::chart;
use actix_web::{get, post, web};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_contracts::finance::PaymentMade;
use erp_money::Currency;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_payments).service(get_payment).service(pay);
}

const STATUSES: [&str; 2] = ["awaiting", "paid"];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentQuery {
    /// `awaiting` (the finance manager's work list) or `paid`.
    pub status: Option<String>,
    pub supplier_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentPage {
    pub items: Vec<Payment>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PayInput {
    pub paid_on: NaiveDate,
    /// Bank transaction or voucher number.
    pub reference: Option<String>,
}

fn find(conn: &mut PgConnection, id: Uuid) -> Result<Payment, AppError> {
    payments::table
        .find(id)
        .select(Payment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("payment"))
}

#[utoipa::path(
    tag = "payments",
    params(PaymentQuery),
    responses(
        (status = 200, body = PaymentPage),
    )
)]
#[get("/api/v1/payments")]
async fn list_payments(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<PaymentQuery>,
) -> Result<web::Json<PaymentPage>, AppError> {
    user.require_any(&READERS)?;
    let q = query.into_inner();
    if let Some(s) = &q.status
        && !STATUSES.contains(&s.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", STATUSES.join(", ")),
        ));
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = payments::table
            .select(Payment::as_select())
            .order(payments::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(payments::status.eq(s));
        }
        if let Some(s) = q.supplier_id {
            sql = sql.filter(payments::supplier_id.eq(s));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(payments::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(PaymentPage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "payment id")),
    responses(
        (status = 200, body = Payment),
    )
)]
#[get("/api/v1/payments/{id}")]
async fn get_payment(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Payment>, AppError> {
    user.require_any(&READERS)?;
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| find(c, id)).await?))
}

/// A finance manager pays the supplier: Dr 331 / Cr 112 on `paid_on`, and
/// `finance.payment.made` for purchasing. Paying twice is a 409.
#[utoipa::path(
    tag = "payments",
    params(("id" = Uuid, Path, description = "payment id")),
    request_body = PayInput,
    responses(
        (status = 200, body = Payment),
        (status = 409, description = "already paid, or the period is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/payments/{id}/pay")]
async fn pay(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<PayInput>,
) -> Result<web::Json<Payment>, AppError> {
    user.require_any(&MANAGERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let reference = clean(input.reference.as_deref());
    let mut v = Validator::new();
    v.optional_text("reference", reference.as_deref(), 200);
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let p = erp_db::transaction(&ctx.pool, move |c| {
        let p: Payment = payments::table
            .find(id)
            .select(Payment::as_select())
            .for_update()
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("payment"))?;
        if p.status != "awaiting" {
            return Err(wrong_state(format!("the payment is already {}", p.status)));
        }
        let currency = Currency::parse(&p.currency).map_err(AppError::internal)?;
        let entry = ledger::post(
            c,
            NewEntry {
                date: input.paid_on,
                memo: format!("Payment {} to {} on {}", p.number, p.supplier_name, p.order_number),
                source: Source {
                    kind: "finance.payment".into(),
                    id: Some(p.id),
                    number: Some(p.number.clone()),
                },
                lines: vec![
                    NewLine::debit(chart::PAYABLES, p.amount, currency).party(PartyKind::Supplier, p.supplier_id),
                    NewLine::credit(chart::BANK, p.amount, currency),
                ],
            },
            &PostMeta::by(actor.clone()),
        )?;
        diesel::update(payments::table.find(id))
            .set((
                payments::status.eq("paid"),
                payments::paid_on.eq(input.paid_on),
                payments::reference.eq(&reference),
                payments::paid_by.eq(&actor),
                payments::paid_at.eq(Utc::now()),
                payments::journal_entry_id.eq(entry.id),
                payments::version.eq(payments::version + 1),
                payments::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        erp_bus::enqueue(
            c,
            &meta,
            &PaymentMade {
                payment_request_id: p.payment_request_id,
                amount: p.amount,
                currency: p.currency.clone(),
                paid_on: input.paid_on,
                reference: reference.clone(),
            },
        )?;
        find(c, id)
    })
    .await?;
    Ok(web::Json(p))
}
