//! Purchase orders made from an approved request whose supplier selection was approved: one
//! per supplier, at the quoted prices, for what is still open on each request line.

use super::lines::{Header, OrderLineInput, build_lines, check_terms, insert_order};
use super::{OrderView, get};
use crate::app::requests::{add_ordered, sync_ordered};
use crate::db::quotations::{self as quotation_db, QuotationLineRow, QuotationRow};
use crate::db::{requests as request_db, suppliers};
use crate::domain::orders::OrderStatus;
use crate::domain::quotations::SelectionStatus;
use crate::domain::requests::RequestStatus;
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_money::Currency;
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

/// Header values for the orders made from a request; the supplier's terms and the quoted lead
/// time when absent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FromRequestInput {
    pub expected_arrival: Option<NaiveDate>,
    pub warehouse_id: Option<Uuid>,
    pub payment_terms: Option<String>,
    pub payment_days: Option<i32>,
    pub note: Option<String>,
}

/// What one supplier is to deliver for a request: its quotation and the lines still open.
struct SupplierPart {
    quotation: QuotationRow,
    lines: Vec<(QuotationLineRow, Decimal)>,
}

/// The chosen quotations' lines still open on the request (at most the quoted quantity), by
/// supplier, in the request's line order.
fn open_parts(
    c: &mut PgConnection,
    chosen: Vec<QuotationRow>,
    request_lines: &HashMap<Uuid, (i32, Decimal, Decimal)>,
) -> Result<BTreeMap<Uuid, SupplierPart>, AppError> {
    let mut parts: BTreeMap<Uuid, SupplierPart> = BTreeMap::new();
    for q in chosen {
        let mut open_lines = Vec::new();
        for l in quotation_db::lines_of(c, &[q.id])? {
            let (line_no, quantity, ordered) = request_lines.get(&l.request_line_id).copied().unwrap_or_default();
            let qty = l.quantity.min(quantity - ordered);
            if qty > Decimal::ZERO {
                open_lines.push((line_no, l, qty));
            }
        }
        open_lines.sort_by_key(|(line_no, _, _)| *line_no);
        let open_lines: Vec<(QuotationLineRow, Decimal)> = open_lines.into_iter().map(|(_, l, qty)| (l, qty)).collect();
        if !open_lines.is_empty() {
            parts.entry(q.supplier_id).or_insert(SupplierPart {
                quotation: q,
                lines: open_lines,
            });
        }
    }
    Ok(parts)
}

/// Makes the purchase orders of an approved request whose supplier selection was approved: one
/// per supplier, at the quoted prices, for what is still open on each request line (at most the
/// quoted quantity). The request becomes `ordered` when every line is fully ordered.
pub fn from_request(
    c: &mut PgConnection,
    user: &CurrentUser,
    request_id: Uuid,
    input: &FromRequestInput,
) -> Result<Vec<OrderView>, AppError> {
    let mut v = Validator::new();
    check_terms(
        &mut v,
        input.payment_terms.as_deref(),
        input.payment_days,
        input.note.as_deref(),
    );
    if let Some(d) = input.expected_arrival {
        v.check(
            d >= erp_calendar::today(),
            "expected_arrival",
            "must not be in the past",
        );
    }
    v.finish()?;
    let r = request_db::lock(c, request_id)?;
    if !matches!(r.status, RequestStatus::Approved | RequestStatus::Ordered) {
        return Err(AppError::wrong_state(format!(
            "purchase orders are made from an approved purchase request; this one is {}",
            r.status
        )));
    }
    let selection = quotation_db::selection(c, request_id)?
        .filter(|s| s.status == SelectionStatus::Approved)
        .ok_or_else(|| {
            AppError::wrong_state("the supplier selection must be approved by project control before ordering")
        })?;
    let request_lines: HashMap<Uuid, (i32, Decimal, Decimal)> = request_db::lock_lines(c, request_id)?
        .into_iter()
        .map(|l| (l.id, (l.line_no, l.quantity, l.ordered)))
        .collect();
    // The approved selection's quotations, split by supplier (one today: the chosen one).
    let chosen: Vec<QuotationRow> = quotation_db::find(c, selection.chosen_quotation_id)?
        .into_iter()
        .collect();
    let parts = open_parts(c, chosen, &request_lines)?;
    if parts.is_empty() {
        return Err(AppError::wrong_state(format!(
            "nothing of {} is left to order from the chosen quotation",
            r.number
        )));
    }
    let mut ids = Vec::with_capacity(parts.len());
    for part in parts.into_values() {
        let q = &part.quotation;
        let supplier = suppliers::find(c, q.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
        if !supplier.active {
            return Err(AppError::wrong_state(format!(
                "supplier {} is no longer active",
                supplier.code
            )));
        }
        let currency = Currency::parse(&q.currency).map_err(|e| AppError::validation("currency", e.to_string()))?;
        let inputs: Vec<OrderLineInput> = part
            .lines
            .iter()
            .map(|(l, qty)| OrderLineInput {
                item_id: l.item_id,
                description: None,
                quantity: *qty,
                unit_price: l.unit_price,
                tax_rate_pct: l.tax_rate,
                expected_arrival: None,
                request_line_id: Some(l.request_line_id),
            })
            .collect();
        let (lines, totals) = build_lines(c, currency, &inputs, Vec::new())?;
        let today = erp_calendar::today();
        let lead = u64::try_from(q.lead_time_days).unwrap_or(0);
        let header = Header {
            supplier: &supplier,
            currency,
            order_date: today,
            expected_arrival: input
                .expected_arrival
                .or_else(|| today.checked_add_days(chrono::Days::new(lead))),
            warehouse_id: input.warehouse_id,
            payment_terms: input.payment_terms.as_deref(),
            payment_days: input.payment_days,
            note: input.note.as_deref(),
        };
        let values = header.values(OrderStatus::Draft, &totals);
        let order_id = insert_order(c, user, &values, &lines, Some((request_id, q.id)))?;
        erp_bus::flow::inherit(
            c,
            (super::DOCUMENT_TYPE, order_id),
            (crate::app::requests::DOCUMENT_TYPE, request_id),
        )?;
        for (i, (l, qty)) in part.lines.iter().enumerate() {
            add_ordered(c, l.request_line_id, *qty, &format!("lines[{i}].quantity"))?;
        }
        ids.push(order_id);
    }
    sync_ordered(c, request_id)?;
    ids.into_iter().map(|id| get(c, id)).collect()
}
