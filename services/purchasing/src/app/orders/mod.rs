//! Purchase orders: made from an approved request whose supplier selection project control
//! approved (one order per supplier, at the quoted prices, lines keeping their request line) or
//! entered directly; totals by the money rules; `draft → pending_approval → approved → sent`,
//! `rejected`, `cancelled` (and the receiving states, moved by arrivals). Submitting evaluates
//! the authority matrix by amount; the last approval publishes `purchasing.order.approved`.

mod approval;
mod from_request;
mod lines;

pub use approval::{decide, submit};
pub use from_request::{FromRequestInput, from_request};
pub use lines::{OrderInput, OrderLineInput};

use super::requests::{add_ordered, sync_ordered};
use super::suppliers::active_supplier;
use crate::db::orders::{self as db, OrderFilter, OrderLineRow, OrderRow};
use crate::db::{requests as request_db, suppliers};
use crate::domain::orders::{OrderAction, OrderStatus};
use diesel::PgConnection;
use erp_approval::{ApprovalDetail, withdraw_pending};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_db::{Page, Paging};
use erp_problem::{AppError, FieldError, Validator};
use lines::{Header, build_lines, check_input, currency_or_error, errors_of, insert_order};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The approval document type of purchase orders.
pub const DOCUMENT_TYPE: &str = "purchase_order";

/// An order with its supplier, lines and latest approval request.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub order: OrderRow,
    pub supplier_code: String,
    pub supplier_name: String,
    pub lines: Vec<OrderLineRow>,
    pub approval: Option<ApprovalDetail>,
}

pub fn get(c: &mut PgConnection, id: Uuid) -> Result<OrderView, AppError> {
    let order = db::find(c, id)?;
    let supplier = suppliers::find(c, order.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
    Ok(OrderView {
        lines: db::lines(c, id)?,
        supplier_code: supplier.code,
        supplier_name: supplier.name,
        approval: erp_approval::latest_for_document(c, DOCUMENT_TYPE, id)?,
        order,
    })
}

pub fn list(c: &mut PgConnection, filter: &OrderFilter, paging: &Paging) -> Result<Page<OrderRow>, AppError> {
    let rows = db::list(c, filter, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

/// A direct order (no request): lines at the buyer's prices.
pub fn create(c: &mut PgConnection, user: &CurrentUser, input: &OrderInput) -> Result<OrderView, AppError> {
    let mut v = Validator::new();
    check_input(&mut v, input);
    for (i, l) in input.lines.iter().enumerate() {
        v.check(
            l.request_line_id.is_none(),
            &format!("lines[{i}].request_line_id"),
            "only orders made from a purchase request carry request lines",
        );
    }
    let mut errors = errors_of(v);
    let supplier = active_supplier(c, input.supplier_id, "supplier_id")?;
    let currency = currency_or_error(input.currency.as_deref().unwrap_or(&supplier.currency), &mut errors);
    let (lines, totals) = build_lines(c, currency, &input.lines, errors)?;
    let header = Header {
        supplier: &supplier,
        currency,
        order_date: input.order_date.unwrap_or_else(erp_calendar::today),
        expected_arrival: input.expected_arrival,
        warehouse_id: input.warehouse_id,
        payment_terms: input.payment_terms.as_deref(),
        payment_days: input.payment_days,
        note: input.note.as_deref(),
    };
    let id = insert_order(c, user, &header.values(OrderStatus::Draft, &totals), &lines, None)?;
    get(c, id)
}

/// Checks that the lines of an order made from a request name lines of that request, with
/// their item, each once.
fn check_request_lines(
    c: &mut PgConnection,
    o: &OrderRow,
    input: &OrderInput,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    if o.request_id.is_some() && input.supplier_id != o.supplier_id {
        errors.push(FieldError::new(
            "supplier_id",
            "an order made from a purchase request keeps its supplier",
        ));
    }
    let request_lines = match o.request_id {
        Some(rid) => request_db::lines(c, rid)?,
        None => Vec::new(),
    };
    for (i, l) in input.lines.iter().enumerate() {
        let Some(rl_id) = l.request_line_id else { continue };
        match request_lines.iter().find(|rl| rl.id == rl_id) {
            None => errors.push(FieldError::new(
                format!("lines[{i}].request_line_id"),
                "not a line of the order's purchase request",
            )),
            Some(rl) if rl.item_id != l.item_id => errors.push(FieldError::new(
                format!("lines[{i}].item_id"),
                "must be the item of its request line",
            )),
            Some(_) => {}
        }
        if input.lines[..i].iter().any(|p| p.request_line_id == Some(rl_id)) {
            errors.push(FieldError::new(
                format!("lines[{i}].request_line_id"),
                "the request line is on the order twice",
            ));
        }
    }
    Ok(())
}

/// Changes a draft or rejected order (lines are replaced; it becomes a draft again). On an
/// order made from a request, lines keep their `request_line_id` and the request's ordered
/// quantities follow the change.
pub fn update(c: &mut PgConnection, id: Uuid, input: &OrderInput) -> Result<OrderView, AppError> {
    let mut v = Validator::new();
    v.check(
        input.version.is_some(),
        "version",
        "is required to change a purchase order",
    );
    check_input(&mut v, input);
    let mut errors = errors_of(v);
    let o = db::lock(c, id)?;
    let next = o.status.transition(OrderAction::Edit)?;
    if let Some(rid) = o.request_id {
        // Before its lines: making orders from the request locks the request first.
        request_db::lock(c, rid)?;
    }
    if errors.is_empty() && Some(o.version) != input.version {
        return Err(AppError::stale_version("the purchase order"));
    }
    check_request_lines(c, &o, input, &mut errors)?;
    let supplier = if o.request_id.is_some() {
        suppliers::find(c, o.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?
    } else {
        active_supplier(c, input.supplier_id, "supplier_id")?
    };
    let currency = currency_or_error(input.currency.as_deref().unwrap_or(&o.currency), &mut errors);
    let (lines, totals) = build_lines(c, currency, &input.lines, errors)?;
    // The request's ordered quantities follow the change.
    let mut delta: BTreeMap<Uuid, (Decimal, Option<usize>)> = BTreeMap::new();
    for l in &db::lines(c, id)? {
        if let Some(rl) = l.request_line_id {
            delta.entry(rl).or_insert((Decimal::ZERO, None)).0 -= l.quantity;
        }
    }
    for (i, r) in lines.iter().enumerate() {
        if let Some(rl) = r.request_line_id {
            let e = delta.entry(rl).or_insert((Decimal::ZERO, None));
            e.0 += r.quantity;
            e.1 = Some(i);
        }
    }
    for (rl, (d, line)) in &delta {
        if !d.is_zero() {
            let field = line.map_or_else(|| "lines".to_owned(), |i| format!("lines[{i}].quantity"));
            add_ordered(c, *rl, *d, &field)?;
        }
    }
    let header = Header {
        supplier: &supplier,
        currency,
        order_date: input.order_date.unwrap_or(o.order_date),
        expected_arrival: input.expected_arrival,
        warehouse_id: input.warehouse_id,
        payment_terms: input.payment_terms.as_deref(),
        payment_days: input.payment_days,
        note: input.note.as_deref(),
    };
    db::update(c, id, &header.values(next, &totals))?;
    db::replace_lines(c, id, &lines)?;
    if let Some(rid) = o.request_id {
        sync_ordered(c, rid)?;
    }
    get(c, id)
}

/// The approved order went to the supplier.
pub fn send(c: &mut PgConnection, id: Uuid) -> Result<OrderView, AppError> {
    let o = db::lock(c, id)?;
    db::set_status(c, id, o.status.transition(OrderAction::Send)?)?;
    get(c, id)
}

/// Cancels an order nothing arrived on; a pending approval is withdrawn, and the request lines
/// it bought are open to order again (an `ordered` request is `approved` again).
pub fn cancel(c: &mut PgConnection, user: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<OrderView, AppError> {
    let o = db::lock(c, id)?;
    let next = o.status.transition(OrderAction::Cancel)?;
    if let Some(rid) = o.request_id {
        request_db::lock(c, rid)?;
    }
    let lines = db::lines(c, id)?;
    if lines
        .iter()
        .any(|l| l.arrived > Decimal::ZERO || l.received > Decimal::ZERO)
    {
        return Err(AppError::wrong_state(
            "goods of the order have arrived; it cannot be cancelled",
        ));
    }
    withdraw_pending::<OrderRow>(c, id, user, meta)?;
    for l in &lines {
        if let Some(rl) = l.request_line_id {
            add_ordered(c, rl, -l.quantity, "lines")?;
        }
    }
    if let Some(rid) = o.request_id {
        sync_ordered(c, rid)?;
    }
    db::set_status(c, id, next)?;
    get(c, id)
}
