//! Transfers between warehouses and adjustments with a reason: documents of the warehouse's
//! own that move stock at once, all lines or none.

use super::stock::{self, Move, Shortage, StockError};
use crate::db::documents::{self, Movement, NewDocument};
use crate::db::{items, warehouses};
use crate::domain::{MovementKind, quantity};
use actix_web::http::StatusCode;
use chrono::Datelike;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::warehouse::SourceRef;
use erp_problem::{AppError, FieldError, Problem, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentLine {
    pub item_id: Uuid,
    /// Transfers: positive. Adjustments: positive adds, negative removes.
    #[schema(value_type = String)]
    pub quantity: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTransfer {
    pub from_warehouse_id: Uuid,
    pub to_warehouse_id: Uuid,
    pub reason: String,
    pub lines: Vec<DocumentLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAdjustment {
    pub warehouse_id: Uuid,
    /// Why stock changes (damage, found, correction…); kept on every ledger row.
    pub reason: String,
    pub lines: Vec<DocumentLine>,
}

/// A document and the ledger rows it wrote.
pub struct DocumentView {
    pub id: Uuid,
    pub number: String,
    pub movements: Vec<Movement>,
}

fn short_problem(shortages: &[Shortage], lines: &[DocumentLine]) -> AppError {
    let mut p = Problem::new(
        StatusCode::CONFLICT,
        "insufficient-stock",
        "Insufficient stock",
        "not enough stock for every line; nothing was moved",
    );
    p.errors = shortages
        .iter()
        .map(|s| {
            let i = lines.iter().position(|l| l.item_id == s.item_id).unwrap_or(0);
            FieldError::new(
                format!("lines[{i}].quantity"),
                format!(
                    "insufficient stock: {} wanted, {} available",
                    quantity::scaled(s.wanted),
                    quantity::scaled(s.available.max(Decimal::ZERO))
                ),
            )
        })
        .collect();
    AppError::Refused(Box::new(p))
}

fn check_warehouse(c: &mut PgConnection, v: &mut Validator, field: &str, id: Uuid) -> Result<(), AppError> {
    match warehouses::find(c, id)? {
        Some(w) if w.active => {}
        Some(_) => {
            v.add(field, "the warehouse is not active");
        }
        None => {
            v.add(field, "no such warehouse");
        }
    }
    Ok(())
}

fn check_lines(c: &mut PgConnection, v: &mut Validator, lines: &[DocumentLine], signed: bool) -> Result<(), AppError> {
    v.check(!lines.is_empty(), "lines", "must have at least one line");
    let items = items::by_ids(c, &lines.iter().map(|l| l.item_id).collect::<Vec<_>>())?;
    for (i, l) in lines.iter().enumerate() {
        if !items.contains_key(&l.item_id) {
            v.add(format!("lines[{i}].item_id"), "no such item");
        }
        let field = format!("lines[{i}].quantity");
        if signed {
            quantity::check_non_zero(v, &field, l.quantity);
        } else {
            quantity::check_positive(v, &field, l.quantity);
        }
    }
    Ok(())
}

fn insert_document(
    c: &mut PgConnection,
    kind: &str,
    prefix: &str,
    warehouse: Uuid,
    to: Option<Uuid>,
    reason: &str,
    actor: &str,
) -> Result<SourceRef, AppError> {
    let id = Uuid::now_v7();
    let number = erp_db::next_number(c, prefix, erp_calendar::today().year())?;
    documents::insert_document(
        c,
        &NewDocument {
            id,
            number: &number,
            kind,
            warehouse_id: warehouse,
            to_warehouse_id: to,
            reason,
            created_by: actor,
        },
    )?;
    Ok(SourceRef {
        kind: format!("warehouse.{kind}"),
        id,
        number: Some(number),
    })
}

fn view(c: &mut PgConnection, source: &SourceRef) -> Result<DocumentView, AppError> {
    Ok(DocumentView {
        id: source.id,
        number: source.number.clone().unwrap_or_default(),
        movements: documents::movements_of(c, source.id)?,
    })
}

/// Moves stock from one warehouse to another, at the cost it had where it left. A refusal is
/// an error, so the transaction rolls back the document too.
pub fn transfer(
    c: &mut PgConnection,
    actor: &CurrentUser,
    r: &NewTransfer,
    meta: &EventMeta,
) -> Result<DocumentView, AppError> {
    let actor = actor.actor();
    let mut v = Validator::new();
    v.text("reason", &r.reason, 1000);
    v.check(
        r.from_warehouse_id != r.to_warehouse_id,
        "to_warehouse_id",
        "must differ from from_warehouse_id",
    );
    check_warehouse(c, &mut v, "from_warehouse_id", r.from_warehouse_id)?;
    check_warehouse(c, &mut v, "to_warehouse_id", r.to_warehouse_id)?;
    check_lines(c, &mut v, &r.lines, false)?;
    v.finish()?;
    let source = insert_document(
        c,
        "transfer",
        "TRF",
        r.from_warehouse_id,
        Some(r.to_warehouse_id),
        r.reason.trim(),
        &actor,
    )?;
    let outs: Vec<Move> = r
        .lines
        .iter()
        .map(|l| Move {
            item_id: l.item_id,
            warehouse_id: r.from_warehouse_id,
            quantity: -l.quantity,
            kind: MovementKind::Transfer,
            source_line_id: None,
            unit_cost: None,
            reason: Some(r.reason.clone()),
        })
        .collect();
    let applied = match stock::apply_quiet(c, &outs, &source, &actor) {
        Ok(a) => a,
        Err(StockError::Short(s)) => return Err(short_problem(&s, &r.lines)),
        Err(StockError::App(e)) => return Err(e),
    };
    // Incoming at the cost the goods left at.
    let ins: Vec<Move> = applied
        .iter()
        .map(|a| Move {
            item_id: a.item_id,
            warehouse_id: r.to_warehouse_id,
            quantity: -a.quantity,
            kind: MovementKind::Transfer,
            source_line_id: None,
            unit_cost: Some(a.unit_cost),
            reason: Some(r.reason.clone()),
        })
        .collect();
    let arrived = stock::apply_quiet(c, &ins, &source, &actor).map_err(|e| match e {
        StockError::App(e) => e,
        StockError::Short(_) => AppError::internal("an incoming transfer cannot be short"),
    })?;
    // Alerts on the net change only: the total of a transferred item does not move.
    stock::publish_crossings(c, &[applied, arrived].concat(), meta)?;
    view(c, &source)
}

/// Corrects stock with a reason (damage, found goods…): positive adds, negative removes. A
/// refusal is an error, so the transaction rolls back the document too.
pub fn adjust(
    c: &mut PgConnection,
    actor: &CurrentUser,
    r: &NewAdjustment,
    meta: &EventMeta,
) -> Result<DocumentView, AppError> {
    let actor = actor.actor();
    let mut v = Validator::new();
    v.text("reason", &r.reason, 1000);
    check_warehouse(c, &mut v, "warehouse_id", r.warehouse_id)?;
    check_lines(c, &mut v, &r.lines, true)?;
    v.finish()?;
    let reason = r.reason.trim();
    let source = insert_document(c, "adjustment", "ADJ", r.warehouse_id, None, reason, &actor)?;
    let moves: Vec<Move> = r
        .lines
        .iter()
        .map(|l| Move {
            item_id: l.item_id,
            warehouse_id: r.warehouse_id,
            quantity: l.quantity,
            kind: MovementKind::Adjustment,
            source_line_id: None,
            unit_cost: None,
            reason: Some(reason.to_owned()),
        })
        .collect();
    match stock::apply(c, &moves, &source, &actor, meta) {
        Ok(applied) => {
            stock::publish_adjusted(c, &applied, &source, reason, meta)?;
            view(c, &source)
        }
        Err(StockError::Short(s)) => Err(short_problem(&s, &r.lines)),
        Err(StockError::App(e)) => Err(e),
    }
}
