//! Supplier invoices (DOMAIN.md §2: received and matched to order and receipt). A buyer enters
//! the supplier's invoice against a purchase order; each line is matched three ways — quantity
//! against what was received and not yet invoiced, unit price and tax rate against the order —
//! within the tolerances. A matched invoice raises the order lines' `invoiced` and publishes
//! `purchasing.invoice.received`; one with differences is `blocked`, with the reasons listed,
//! until a `purchasing_manager` accepts it (then it counts as matched) or rejects it. Also the
//! tolerances themselves and the settlement view of an order; an order received, invoiced and
//! paid in full closes.

use super::BUYERS;
use super::payments::{SETTLEMENT_READERS, currency_of, money, wrong_state};
use crate::db::settlement::{
    self, COUNTED_INVOICES, INVOICE_STATUSES, SupplierInvoice, SupplierInvoiceLine, ToleranceRow,
    settlement_tolerances, supplier_invoice_lines, supplier_invoices,
};
use crate::db::{self, OrderLine, PurchaseOrder, schema::purchase_order_lines};
use crate::domain::matching::{self, InvoiceLineCheck};
use crate::domain::status::OrderStatus;
use actix_web::{HttpResponse, get, http::header, post, put, web};
use chrono::{Days, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
use erp_contracts::purchasing::{InvoiceReceived, InvoiceReceivedLine};
use erp_money::LineInput;
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who settles an invoice's differences.
pub const INVOICE_DECIDERS: [Role; 1] = [Role::PurchasingManager];

/// Who changes the tolerances.
pub const TOLERANCE_EDITORS: [Role; 1] = [Role::GeneralManager];

diesel::define_sql_function! {
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_order_invoices)
        .service(record_invoice)
        .service(list_invoices)
        .service(get_invoice)
        .service(accept_invoice)
        .service(reject_invoice)
        .service(order_settlement)
        .service(get_tolerances)
        .service(set_tolerances);
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvoiceLineInput {
    pub order_line_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// VAT in percent, 0–100.
    #[schema(value_type = String)]
    pub tax_rate_pct: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceInput {
    /// The supplier's invoice number; unique per supplier.
    pub invoice_number: String,
    /// Not in the future.
    pub invoice_date: NaiveDate,
    pub lines: Vec<InvoiceLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceDecision {
    /// Why the differences are accepted, or why the invoice is rejected.
    pub comment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDetail {
    #[serde(flatten)]
    pub invoice: SupplierInvoice,
    pub lines: Vec<SupplierInvoiceLine>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// `matched`, `blocked` (the purchasing manager's work list), `accepted` or `rejected`.
    pub status: Option<String>,
    pub order_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<SupplierInvoice>,
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TolerancesInput {
    /// 0–100, at most two decimal places.
    #[schema(value_type = String)]
    pub over_receipt_pct: Decimal,
    #[schema(value_type = String)]
    pub invoice_quantity_pct: Decimal,
    #[schema(value_type = String)]
    pub invoice_price_pct: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineSettlement {
    pub order_line_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub description: String,
    pub unit: String,
    #[schema(value_type = String)]
    pub ordered: Decimal,
    /// Announced to the warehouse (less what it did not receive).
    #[schema(value_type = String)]
    pub arrived: Decimal,
    /// Confirmed by the warehouse keeper.
    #[schema(value_type = String)]
    pub received: Decimal,
    /// On matched or accepted supplier invoices.
    #[schema(value_type = String)]
    pub invoiced: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSettlement {
    pub order_id: Uuid,
    pub order_number: String,
    pub status: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lines: Vec<LineSettlement>,
    /// Matched and accepted invoices.
    #[schema(value_type = String)]
    pub invoiced_total: Decimal,
    pub blocked_invoices: usize,
    /// Payment requests not rejected (waiting, approved or paid).
    #[schema(value_type = String)]
    pub payments_requested: Decimal,
    /// What finance paid.
    #[schema(value_type = String)]
    pub paid: Decimal,
    /// What may still be requested in payments.
    #[schema(value_type = String)]
    pub payable_left: Decimal,
    pub fully_received: bool,
    pub fully_invoiced: bool,
    pub fully_paid: bool,
}

fn details(c: &mut PgConnection, rows: Vec<SupplierInvoice>) -> Result<Vec<InvoiceDetail>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|i| i.id).collect();
    let mut lines: HashMap<Uuid, Vec<SupplierInvoiceLine>> = HashMap::new();
    for l in settlement::invoice_lines_of(c, &ids)? {
        lines.entry(l.invoice_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|i| InvoiceDetail {
            lines: lines.remove(&i.id).unwrap_or_default(),
            invoice: i,
        })
        .collect())
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<InvoiceDetail, AppError> {
    let i = supplier_invoices::table
        .find(id)
        .select(SupplierInvoice::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("supplier invoice"))?;
    details(c, vec![i])?
        .pop()
        .ok_or_else(|| AppError::internal("supplier invoice vanished"))
}

/// Invoices are entered and settled on approved, sent and (partially) received orders.
fn open_for_invoices(status: OrderStatus) -> bool {
    status.is_open_for_receipt() || status == OrderStatus::Received
}

/// The invoice counts: its quantities are invoiced on the order lines, finance hears of it,
/// and the order closes if nothing else is missing. The order is locked by the caller.
fn count_invoice(
    c: &mut PgConnection,
    order: &PurchaseOrder,
    invoice: &SupplierInvoice,
    lines: &[SupplierInvoiceLine],
    meta: &EventMeta,
) -> Result<(), AppError> {
    for l in lines {
        diesel::update(purchase_order_lines::table.find(l.order_line_id))
            .set(purchase_order_lines::invoiced.eq(purchase_order_lines::invoiced + l.quantity))
            .execute(c)?;
    }
    erp_bus::enqueue(
        c,
        meta,
        &InvoiceReceived {
            invoice_id: invoice.id,
            invoice_number: invoice.invoice_number.clone(),
            invoice_date: invoice.invoice_date,
            due_date: invoice.due_date,
            order_id: order.id,
            order_number: order.number.clone(),
            supplier_id: invoice.supplier_id,
            currency: invoice.currency.clone(),
            net: invoice.net,
            tax: invoice.tax,
            total: invoice.total,
            lines: lines
                .iter()
                .map(|l| InvoiceReceivedLine {
                    order_line_id: l.order_line_id,
                    item_id: l.item_id,
                    quantity: l.quantity,
                    unit_price: l.unit_price,
                    net: l.net,
                    tax: l.tax,
                })
                .collect(),
        },
    )?;
    settlement::close_if_settled(c, order.id)?;
    Ok(())
}

/// Matches the input lines to the order's lines, each at most once; 422 naming `lines[i]…`.
fn match_lines<'a>(order_lines: &'a [OrderLine], lines: &[InvoiceLineInput]) -> Result<Vec<&'a OrderLine>, AppError> {
    let by_id: HashMap<Uuid, &OrderLine> = order_lines.iter().map(|l| (l.id, l)).collect();
    let mut v = Validator::new();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        match by_id.get(&l.order_line_id) {
            None => {
                v.add(format!("lines[{i}].order_line_id"), "not a line of this order");
            }
            Some(_) if !seen.insert(l.order_line_id) => {
                v.add(format!("lines[{i}].order_line_id"), "appears twice");
            }
            Some(ol) => out.push(*ol),
        }
    }
    v.finish()?;
    Ok(out)
}

#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = Vec<InvoiceDetail>),
    )
)]
#[get("/api/v1/purchase-orders/{id}/invoices")]
async fn list_order_invoices(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<InvoiceDetail>>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::find_order(c, id)?;
        let rows = supplier_invoices::table
            .filter(supplier_invoices::order_id.eq(id))
            .order(supplier_invoices::id)
            .select(SupplierInvoice::as_select())
            .load(c)?;
        details(c, rows)
    })
    .await?;
    Ok(web::Json(rows))
}

/// A buyer enters the supplier's invoice for an approved, sent or (partially) received order.
/// Totals are computed per line at the currency's scale. Matched within the tolerances, it
/// publishes `purchasing.invoice.received`; otherwise it is `blocked` with the reasons listed.
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = InvoiceInput,
    responses(
        (status = 201, description = "matched or blocked: see `status` and `mismatches`", body = InvoiceDetail),
        (status = 409, description = "the supplier's invoice number is already recorded, or the order is not open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/invoices")]
async fn record_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<InvoiceInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let invoice_number = input.invoice_number.trim().to_owned();
    let money_lines: Vec<LineInput> = input
        .lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount_pct: Decimal::ZERO,
            tax_rate_pct: l.tax_rate_pct,
        })
        .collect();
    let mut v = Validator::new();
    v.text("invoice_number", &invoice_number, 100);
    v.check(
        input.invoice_date <= erp_calendar::today(),
        "invoice_date",
        "must not be in the future",
    );
    v.check(!input.lines.is_empty(), "lines", "must have at least one line");
    for (field, message) in erp_money::validate_lines(&money_lines) {
        v.add(field, message);
    }
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if !open_for_invoices(status) {
            return Err(wrong_state(format!(
                "supplier invoices are entered on approved, sent or received purchase orders; this one is {}",
                status.as_str()
            )));
        }
        let order_lines = settlement::lock_order_lines(c, id)?;
        let matched = match_lines(&order_lines, &input.lines)?;
        let existing: Option<String> = supplier_invoices::table
            .filter(supplier_invoices::supplier_id.eq(o.supplier_id))
            .filter(lower(supplier_invoices::invoice_number).eq(invoice_number.to_lowercase()))
            .filter(supplier_invoices::status.ne("rejected"))
            .select(supplier_invoices::order_number)
            .first(c)
            .optional()?;
        if let Some(on_order) = existing {
            return Err(AppError::Conflict {
                slug: "duplicate",
                detail: format!("invoice {invoice_number} of this supplier is already recorded (on order {on_order})"),
            });
        }
        let currency = currency_of(&o)?;
        let (totals, doc) = erp_money::document_totals(&money_lines, currency).map_err(AppError::internal)?;
        let tolerances = settlement::tolerances(c)?;
        let checks: Vec<InvoiceLineCheck> = input
            .lines
            .iter()
            .zip(&matched)
            .map(|(l, ol)| InvoiceLineCheck {
                line_no: ol.line_no,
                order_price: ol.unit_price,
                order_tax_rate: ol.tax_rate,
                received: ol.received,
                invoiced: ol.invoiced,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate_pct,
            })
            .collect();
        let mismatches = matching::three_way(&checks, &tolerances);
        let status = if mismatches.is_empty() { "matched" } else { "blocked" };
        let invoice_id = Uuid::now_v7();
        let due_date = u64::try_from(o.payment_days)
            .ok()
            .and_then(|d| input.invoice_date.checked_add_days(Days::new(d)));
        diesel::insert_into(supplier_invoices::table)
            .values((
                supplier_invoices::id.eq(invoice_id),
                supplier_invoices::order_id.eq(id),
                supplier_invoices::order_number.eq(&o.number),
                supplier_invoices::supplier_id.eq(o.supplier_id),
                supplier_invoices::invoice_number.eq(&invoice_number),
                supplier_invoices::invoice_date.eq(input.invoice_date),
                supplier_invoices::due_date.eq(due_date),
                supplier_invoices::currency.eq(&o.currency),
                supplier_invoices::net.eq(doc.net),
                supplier_invoices::tax.eq(doc.tax),
                supplier_invoices::total.eq(doc.total),
                supplier_invoices::status.eq(status),
                supplier_invoices::mismatches.eq(serde_json::json!(mismatches)),
                supplier_invoices::recorded_by.eq(&actor),
            ))
            .execute(c)?;
        let rows = input.lines.iter().zip(&matched).zip(&totals).zip(&checks);
        for (n, (((l, ol), t), check)) in rows.enumerate() {
            diesel::insert_into(supplier_invoice_lines::table)
                .values((
                    supplier_invoice_lines::id.eq(Uuid::now_v7()),
                    supplier_invoice_lines::invoice_id.eq(invoice_id),
                    supplier_invoice_lines::line_no.eq(i32::try_from(n + 1).unwrap_or(i32::MAX)),
                    supplier_invoice_lines::order_line_id.eq(ol.id),
                    supplier_invoice_lines::item_id.eq(ol.item_id),
                    supplier_invoice_lines::quantity.eq(l.quantity),
                    supplier_invoice_lines::unit_price.eq(l.unit_price),
                    supplier_invoice_lines::tax_rate.eq(l.tax_rate_pct),
                    supplier_invoice_lines::net.eq(t.net),
                    supplier_invoice_lines::tax.eq(t.tax),
                    supplier_invoice_lines::total.eq(t.total),
                    supplier_invoice_lines::order_price.eq(ol.unit_price),
                    supplier_invoice_lines::open_quantity.eq(check.open_quantity()),
                ))
                .execute(c)?;
        }
        let d = detail(c, invoice_id)?;
        if status == "matched" {
            count_invoice(c, &o, &d.invoice, &d.lines, &meta)?;
        }
        Ok(d)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/supplier-invoices/{}", d.invoice.id)))
        .json(d))
}

/// Supplier invoices of every order; `status=blocked` is the purchasing manager's work list.
#[utoipa::path(
    tag = "supplier invoices",
    params(InvoiceQuery),
    responses(
        (status = 200, body = InvoicePage),
    )
)]
#[get("/api/v1/supplier-invoices")]
async fn list_invoices(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    query: web::Query<InvoiceQuery>,
) -> Result<web::Json<InvoicePage>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let q = query.into_inner();
    if let Some(s) = &q.status
        && !INVOICE_STATUSES.contains(&s.as_str())
    {
        return Err(AppError::validation(
            "status",
            format!("must be one of {}", INVOICE_STATUSES.join(", ")),
        ));
    }
    let limit = erp_db::page_limit(q.limit);
    let page = erp_db::with_conn(&ctx.pool, move |c| {
        let mut sql = supplier_invoices::table
            .select(SupplierInvoice::as_select())
            .order(supplier_invoices::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(s) = q.status {
            sql = sql.filter(supplier_invoices::status.eq(s));
        }
        if let Some(o) = q.order_id {
            sql = sql.filter(supplier_invoices::order_id.eq(o));
        }
        if let Some(s) = q.supplier_id {
            sql = sql.filter(supplier_invoices::supplier_id.eq(s));
        }
        if let Some(after) = q.cursor {
            sql = sql.filter(supplier_invoices::id.gt(after));
        }
        let mut rows = sql.load(c)?;
        let next_cursor = erp_db::split_page(&mut rows, limit, |r| r.id);
        Ok(InvoicePage {
            items: rows,
            next_cursor,
        })
    })
    .await?;
    Ok(web::Json(page))
}

#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "supplier invoice id")),
    responses(
        (status = 200, body = InvoiceDetail),
    )
)]
#[get("/api/v1/supplier-invoices/{id}")]
async fn get_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    if !user.has_any_role(&SETTLEMENT_READERS) {
        return Err(AppError::not_found("supplier invoice"));
    }
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| detail(c, id)).await?))
}

async fn decide(
    ctx: &AppContext,
    user: CurrentUser,
    id: Uuid,
    accept: bool,
    comment: String,
) -> Result<InvoiceDetail, AppError> {
    user.require_any(&INVOICE_DECIDERS)?;
    let comment = comment.trim().to_owned();
    let mut v = Validator::new();
    v.text("comment", &comment, 2000);
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    erp_db::transaction(&ctx.pool, move |c| {
        let order_id: Uuid = supplier_invoices::table
            .find(id)
            .select(supplier_invoices::order_id)
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("supplier invoice"))?;
        let order = db::lock_order(c, order_id)?;
        settlement::lock_order_lines(c, order_id)?;
        let invoice: SupplierInvoice = supplier_invoices::table
            .find(id)
            .select(SupplierInvoice::as_select())
            .for_update()
            .first(c)?;
        if invoice.status != "blocked" {
            return Err(wrong_state(format!(
                "the supplier invoice is {}, not blocked",
                invoice.status
            )));
        }
        if invoice.recorded_by == actor {
            return Err(AppError::Forbidden(
                "nobody accepts or rejects an invoice they entered themselves".into(),
            ));
        }
        let order_status = OrderStatus::parse(&order.status)?;
        if accept && !open_for_invoices(order_status) {
            return Err(wrong_state(format!(
                "the purchase order is {}; its invoices can only be rejected",
                order_status.as_str()
            )));
        }
        diesel::update(supplier_invoices::table.find(id))
            .set((
                supplier_invoices::status.eq(if accept { "accepted" } else { "rejected" }),
                supplier_invoices::decided_by.eq(&actor),
                supplier_invoices::decided_at.eq(Utc::now()),
                supplier_invoices::decision_comment.eq(&comment),
            ))
            .execute(c)?;
        let d = detail(c, id)?;
        if accept {
            count_invoice(c, &order, &d.invoice, &d.lines, &meta)?;
        } else {
            // The blocked invoice was all the order waited for.
            settlement::close_if_settled(c, order_id)?;
        }
        Ok(d)
    })
    .await
}

/// A purchasing manager accepts a blocked invoice's differences, saying why: it then counts
/// as matched (`purchasing.invoice.received`).
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "supplier invoice id")),
    request_body = InvoiceDecision,
    responses(
        (status = 200, body = InvoiceDetail),
        (status = 409, description = "the invoice is not blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/supplier-invoices/{id}/accept")]
async fn accept_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<InvoiceDecision>,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), true, body.into_inner().comment).await?,
    ))
}

/// A purchasing manager rejects a blocked invoice, saying why; its number may be entered again
/// (the supplier's corrected invoice).
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "supplier invoice id")),
    request_body = InvoiceDecision,
    responses(
        (status = 200, body = InvoiceDetail),
        (status = 409, description = "the invoice is not blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/supplier-invoices/{id}/reject")]
async fn reject_invoice(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<InvoiceDecision>,
) -> Result<web::Json<InvoiceDetail>, AppError> {
    Ok(web::Json(
        decide(&ctx, user, id.into_inner(), false, body.into_inner().comment).await?,
    ))
}

/// Where an order stands: ordered, arrived, received and invoiced per line; invoices and
/// payments; what is still missing before it closes.
#[utoipa::path(
    tag = "supplier invoices",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = OrderSettlement),
    )
)]
#[get("/api/v1/purchase-orders/{id}/settlement")]
async fn order_settlement(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<OrderSettlement>, AppError> {
    user.require_any(&SETTLEMENT_READERS)?;
    let id = id.into_inner();
    let view = erp_db::with_conn(&ctx.pool, move |c| {
        let o = db::find_order(c, id)?;
        let lines = db::order_lines(c, id)?;
        let s = settlement::settlement(c, id, &lines)?;
        let requested = settlement::payment_total(c, id, &["requested", "approved", "paid"])?;
        let limit = settlement::payable_limit(c, &o)?;
        Ok(OrderSettlement {
            order_id: o.id,
            order_number: o.number.clone(),
            status: o.status.clone(),
            currency: o.currency.clone(),
            total: money(o.total),
            lines: lines
                .iter()
                .map(|l| LineSettlement {
                    order_line_id: l.id,
                    line_no: l.line_no,
                    item_id: l.item_id,
                    description: l.description.clone(),
                    unit: l.unit.clone(),
                    ordered: matching::quantity(l.quantity),
                    arrived: matching::quantity(l.arrived),
                    received: matching::quantity(l.received),
                    invoiced: matching::quantity(l.invoiced),
                })
                .collect(),
            invoiced_total: money(settlement::invoice_total(c, id, &COUNTED_INVOICES)?),
            blocked_invoices: s.blocked_invoices,
            payments_requested: money(requested),
            paid: money(s.paid),
            payable_left: money((limit - requested).max(Decimal::ZERO)),
            fully_received: s.fully_received(),
            fully_invoiced: s.fully_invoiced(),
            fully_paid: s.fully_invoiced() && s.fully_paid(),
        })
    })
    .await?;
    Ok(web::Json(view))
}

/// The over-receipt and invoice-matching tolerances in force.
#[utoipa::path(
    tag = "supplier invoices",
    responses(
        (status = 200, body = ToleranceRow),
    )
)]
#[get("/api/v1/settlement-tolerances")]
async fn get_tolerances(ctx: web::Data<AppContext>, _user: CurrentUser) -> Result<web::Json<ToleranceRow>, AppError> {
    Ok(web::Json(
        erp_db::with_conn(&ctx.pool, settlement::tolerance_row).await?,
    ))
}

/// The general manager changes the tolerances; they apply to arrivals and invoices from now on.
#[utoipa::path(
    tag = "supplier invoices",
    request_body = TolerancesInput,
    responses(
        (status = 200, body = ToleranceRow),
    )
)]
#[put("/api/v1/settlement-tolerances")]
async fn set_tolerances(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<TolerancesInput>,
) -> Result<web::Json<ToleranceRow>, AppError> {
    user.require_any(&TOLERANCE_EDITORS)?;
    let input = body.into_inner();
    let mut v = Validator::new();
    for (field, value) in [
        ("over_receipt_pct", input.over_receipt_pct),
        ("invoice_quantity_pct", input.invoice_quantity_pct),
        ("invoice_price_pct", input.invoice_price_pct),
    ] {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            v.add(field, "must be between 0 and 100");
        } else if value.normalize().scale() > 2 {
            v.add(field, "must have at most 2 decimal places");
        }
    }
    v.finish()?;
    let actor = user.actor();
    let row = erp_db::transaction(&ctx.pool, move |c| {
        diesel::update(settlement_tolerances::table)
            .set((
                settlement_tolerances::over_receipt_pct.eq(input.over_receipt_pct),
                settlement_tolerances::invoice_quantity_pct.eq(input.invoice_quantity_pct),
                settlement_tolerances::invoice_price_pct.eq(input.invoice_price_pct),
                settlement_tolerances::updated_by.eq(Some(&actor)),
                settlement_tolerances::updated_at.eq(Utc::now()),
            ))
            .execute(c)?;
        settlement::tolerance_row(c)
    })
    .await?;
    Ok(web::Json(row))
}
