//! Quantities asked of an order's lines (outbound requests, shipments): checked on their own,
//! then against what is left on each order line.

use crate::db::OrderLineRow;
use crate::domain::fulfilment::{quantity, quantity_problem};
use erp_problem::{AppError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct QuantityLine {
    pub order_line_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

/// Every line's quantity is positive with at most four places; the list is not empty.
pub fn check_quantities(v: &mut Validator, lines: &[QuantityLine]) {
    v.check(!lines.is_empty(), "lines", "must have at least one line");
    for (i, l) in lines.iter().enumerate() {
        if let Some(problem) = quantity_problem(l.quantity) {
            v.add(format!("lines[{i}].quantity"), problem);
        }
    }
}

/// Matches the lines to the order's lines (each at most once) and checks each quantity
/// against `room` (what is left on the order line); 422 naming `lines[i]…` otherwise.
pub fn match_lines<'a>(
    order_lines: &'a [OrderLineRow],
    lines: &[QuantityLine],
    room: impl Fn(&OrderLineRow) -> Decimal,
    what: &str,
) -> Result<Vec<(&'a OrderLineRow, Decimal)>, AppError> {
    let by_id: HashMap<Uuid, &OrderLineRow> = order_lines.iter().map(|l| (l.id, l)).collect();
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
            Some(ol) => {
                let left = room(ol).max(Decimal::ZERO);
                if l.quantity > left {
                    v.add(
                        format!("lines[{i}].quantity"),
                        format!("only {} is left {what} on line {}", quantity(left), ol.line_no),
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
