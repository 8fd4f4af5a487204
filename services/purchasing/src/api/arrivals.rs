//! Arrivals (seed 001 §2 ⑤): the purchaser tells the warehouse what of a purchase order arrived
//! and is to be counted in. Each arrival raises the order lines' `arrived` (never beyond the
//! ordered quantity plus the over-receipt tolerance) and publishes
//! `purchasing.inbound.requested`; the keeper's confirmation comes back as
//! `warehouse.inbound.confirmed` (see `events::settlement`). Also the arrival reminders: orders
//! whose goods are overdue with nothing received.

use super::BUYERS;
use super::payments::{clean, wrong_state};
use crate::db::schema::{purchase_order_lines, purchase_orders, suppliers};
use crate::db::settlement::{self, Arrival, ArrivalLine, arrival_lines, arrivals};
use crate::db::{self, OrderLine, PurchaseOrder};
use crate::domain::matching::{QUANTITY_SCALE, over_receipt_message, receipt_room};
use crate::domain::status::OrderStatus;
use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
use erp_contracts::purchasing::{ArrivalOverdue, InboundRequestLine, InboundRequested};
use erp_problem::{AppError, Json, Problem, Validator};
use erp_server::AppContext;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Who sees arrivals: the money readers and the warehouse keepers.
const ARRIVAL_READERS: [Role; 7] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
    Role::WarehouseKeeper,
];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(send_arrival_reminders)
        .service(list_arrivals)
        .service(get_arrival)
        .service(announce_arrival);
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ArrivedLine {
    pub order_line_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ArrivalInput {
    /// The order's warehouse (or the warehouse's default) when absent.
    pub warehouse_id: Option<Uuid>,
    pub note: Option<String>,
    pub lines: Vec<ArrivedLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArrivalDetail {
    #[serde(flatten)]
    pub arrival: Arrival,
    pub lines: Vec<ArrivalLine>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemindersSent {
    /// Orders reminded now (each order is reminded once).
    pub reminded: usize,
}

fn details(c: &mut PgConnection, rows: Vec<Arrival>) -> Result<Vec<ArrivalDetail>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let mut lines: HashMap<Uuid, Vec<ArrivalLine>> = HashMap::new();
    for l in settlement::arrival_lines_of(c, &ids)? {
        lines.entry(l.arrival_id).or_default().push(l);
    }
    Ok(rows
        .into_iter()
        .map(|a| ArrivalDetail {
            lines: lines.remove(&a.id).unwrap_or_default(),
            arrival: a,
        })
        .collect())
}

fn detail(c: &mut PgConnection, id: Uuid) -> Result<ArrivalDetail, AppError> {
    let a = arrivals::table
        .find(id)
        .select(Arrival::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("arrival"))?;
    details(c, vec![a])?
        .pop()
        .ok_or_else(|| AppError::internal("arrival vanished"))
}

/// Matches the lines to the order's lines (each at most once) and checks each quantity against
/// the over-receipt tolerance; one 422 naming every bad `lines[i]…`.
fn match_lines<'a>(
    order_lines: &'a [OrderLine],
    lines: &[ArrivedLine],
    over_receipt_pct: Decimal,
) -> Result<Vec<(&'a OrderLine, Decimal)>, AppError> {
    let by_id: HashMap<Uuid, &OrderLine> = order_lines.iter().map(|l| (l.id, l)).collect();
    let mut v = Validator::new();
    v.check(!lines.is_empty(), "lines", "must have at least one line");
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let field = format!("lines[{i}].quantity");
        if l.quantity <= Decimal::ZERO {
            v.add(field, "must be greater than zero");
            continue;
        }
        if l.quantity.normalize().scale() > QUANTITY_SCALE {
            v.add(field, format!("must have at most {QUANTITY_SCALE} decimal places"));
            continue;
        }
        match by_id.get(&l.order_line_id) {
            None => {
                v.add(format!("lines[{i}].order_line_id"), "not a line of this order");
            }
            Some(_) if !seen.insert(l.order_line_id) => {
                v.add(format!("lines[{i}].order_line_id"), "appears twice");
            }
            Some(ol) => {
                if l.quantity > receipt_room(ol.quantity, ol.arrived, over_receipt_pct) {
                    v.add(
                        field,
                        over_receipt_message(ol.line_no, ol.quantity, ol.arrived, l.quantity, over_receipt_pct),
                    );
                } else {
                    out.push((*ol, l.quantity));
                }
            }
        }
    }
    v.finish()?;
    Ok(out)
}

#[utoipa::path(
    tag = "arrivals",
    params(("id" = Uuid, Path, description = "purchase order id")),
    responses(
        (status = 200, body = Vec<ArrivalDetail>),
    )
)]
#[get("/api/v1/purchase-orders/{id}/arrivals")]
async fn list_arrivals(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ArrivalDetail>>, AppError> {
    user.require_any(&ARRIVAL_READERS)?;
    let id = id.into_inner();
    let rows = erp_db::with_conn(&ctx.pool, move |c| {
        db::find_order(c, id)?;
        let rows = arrivals::table
            .filter(arrivals::order_id.eq(id))
            .order(arrivals::id)
            .select(Arrival::as_select())
            .load(c)?;
        details(c, rows)
    })
    .await?;
    Ok(web::Json(rows))
}

#[utoipa::path(
    tag = "arrivals",
    params(("id" = Uuid, Path, description = "arrival id")),
    responses(
        (status = 200, body = ArrivalDetail),
    )
)]
#[get("/api/v1/arrivals/{id}")]
async fn get_arrival(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<ArrivalDetail>, AppError> {
    if !user.has_any_role(&ARRIVAL_READERS) {
        return Err(AppError::not_found("arrival"));
    }
    let id = id.into_inner();
    Ok(web::Json(erp_db::with_conn(&ctx.pool, move |c| detail(c, id)).await?))
}

/// The purchaser announces what arrived of an approved, sent or partially received order, for
/// the warehouse keeper to count in. Per line, everything announced may exceed the ordered
/// quantity by the over-receipt tolerance (5 % unless changed) and no more.
#[utoipa::path(
    tag = "arrivals",
    params(("id" = Uuid, Path, description = "purchase order id")),
    request_body = ArrivalInput,
    responses(
        (status = 201, body = ArrivalDetail),
        (status = 409, description = "the order is not open for receipt", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "a quantity beyond the over-receipt tolerance, or another invalid value", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/purchase-orders/{id}/arrivals")]
async fn announce_arrival(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ArrivalInput>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&BUYERS)?;
    let id = id.into_inner();
    let input = body.into_inner();
    let mut v = Validator::new();
    v.optional_text("note", input.note.as_deref(), 1000);
    v.finish()?;
    let meta = ctx.event_meta(&user);
    let actor = user.actor();
    let d = erp_db::transaction(&ctx.pool, move |c| {
        let o = db::lock_order(c, id)?;
        let status = OrderStatus::parse(&o.status)?;
        if !status.is_open_for_receipt() {
            return Err(wrong_state(format!(
                "goods are announced on approved, sent or partially received orders; this one is {}",
                status.as_str()
            )));
        }
        let tolerances = settlement::tolerances(c)?;
        let order_lines = settlement::lock_order_lines(c, id)?;
        let wanted = match_lines(&order_lines, &input.lines, tolerances.over_receipt_pct)?;
        let supplier = db::find_supplier(c, o.supplier_id)?;
        let warehouse_id = input.warehouse_id.or(o.warehouse_id);
        let arrival_id = Uuid::now_v7();
        let number = erp_db::next_number(c, "ARR", erp_calendar::today().year())?;
        diesel::insert_into(arrivals::table)
            .values((
                arrivals::id.eq(arrival_id),
                arrivals::number.eq(&number),
                arrivals::order_id.eq(id),
                arrivals::order_number.eq(&o.number),
                arrivals::warehouse_id.eq(warehouse_id),
                arrivals::note.eq(clean(input.note.as_deref())),
                arrivals::status.eq("requested"),
                arrivals::requested_by.eq(&actor),
            ))
            .execute(c)?;
        let mut published = Vec::with_capacity(wanted.len());
        for (ol, q) in &wanted {
            let line_id = Uuid::now_v7();
            diesel::insert_into(arrival_lines::table)
                .values((
                    arrival_lines::id.eq(line_id),
                    arrival_lines::arrival_id.eq(arrival_id),
                    arrival_lines::order_line_id.eq(ol.id),
                    arrival_lines::item_id.eq(ol.item_id),
                    arrival_lines::quantity.eq(*q),
                    arrival_lines::unit_cost.eq(ol.unit_price),
                ))
                .execute(c)?;
            diesel::update(purchase_order_lines::table.find(ol.id))
                .set(purchase_order_lines::arrived.eq(purchase_order_lines::arrived + *q))
                .execute(c)?;
            published.push(InboundRequestLine {
                line_id,
                order_line_id: Some(ol.id),
                item_id: ol.item_id,
                quantity: *q,
                unit_cost: ol.unit_price,
            });
        }
        erp_bus::enqueue(
            c,
            &meta,
            &InboundRequested {
                request_id: arrival_id,
                purchase_order_id: id,
                purchase_order_number: o.number.clone(),
                supplier_name: supplier.map(|s| s.name),
                warehouse_id,
                lines: published,
            },
        )?;
        detail(c, arrival_id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/arrivals/{}", d.arrival.id)))
        .json(d))
}

/// Publishes `purchasing.arrival.overdue` for every order open for receipt whose expected
/// arrival is before `today`, of which nothing was received, and that was not reminded yet;
/// marks them reminded. Returns how many were reminded. Meant for a daily job (or the endpoint).
pub fn remind_overdue_arrivals(conn: &mut PgConnection, today: NaiveDate, meta: &EventMeta) -> Result<usize, AppError> {
    let open: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.is_open_for_receipt())
        .map(OrderStatus::as_str)
        .collect();
    let something_received = purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq(purchase_orders::id))
        .filter(purchase_order_lines::received.gt(Decimal::ZERO));
    let due: Vec<PurchaseOrder> = purchase_orders::table
        .filter(purchase_orders::status.eq_any(open))
        .filter(purchase_orders::expected_arrival.lt(today))
        .filter(purchase_orders::reminded_at.is_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(something_received)))
        .order(purchase_orders::id)
        .select(PurchaseOrder::as_select())
        .for_update()
        .skip_locked()
        .load(conn)?;
    if due.is_empty() {
        return Ok(0);
    }
    let supplier_ids: Vec<Uuid> = due.iter().map(|o| o.supplier_id).collect();
    let names: HashMap<Uuid, String> = suppliers::table
        .filter(suppliers::id.eq_any(&supplier_ids))
        .select((suppliers::id, suppliers::name))
        .load::<(Uuid, String)>(conn)?
        .into_iter()
        .collect();
    let now = Utc::now();
    let mut reminded = 0;
    for o in &due {
        let Some(expected_arrival) = o.expected_arrival else {
            continue;
        };
        diesel::update(purchase_orders::table.find(o.id))
            .set(purchase_orders::reminded_at.eq(now))
            .execute(conn)?;
        erp_bus::enqueue(
            conn,
            meta,
            &ArrivalOverdue {
                order_id: o.id,
                number: o.number.clone(),
                supplier_name: names.get(&o.supplier_id).cloned().unwrap_or_default(),
                expected_arrival,
                buyer_id: o.buyer_id,
            },
        )?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Sends the purchase arrival reminders due today (seed 001 §8: the purchaser sees overdue
/// arrivals): for buyers (an employee, or the scheduler's API key holding a buyer role). Each
/// order is reminded once.
#[utoipa::path(
    tag = "arrivals",
    responses(
        (status = 200, body = RemindersSent),
    )
)]
#[post("/api/v1/purchase-orders/arrival-reminders")]
async fn send_arrival_reminders(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
) -> Result<web::Json<RemindersSent>, AppError> {
    // The scheduler's API key is given a buyer role like anyone else who may send them.
    user.require_any(&BUYERS)?;
    let meta = ctx.event_meta(&user);
    let today = erp_calendar::today();
    let reminded = erp_db::transaction(&ctx.pool, move |c| remind_overdue_arrivals(c, today, &meta)).await?;
    Ok(web::Json(RemindersSent { reminded }))
}
