//! Stock counts (seed 003: quarterly): a count sheet snapshots the system quantities, the
//! keeper records what is on the shelves and submits it for approval, and a manager who did
//! not take part approves (each variance becomes a `count` ledger row) or rejects it.

mod approval;

pub use approval::{CountSheet, decide};

use crate::db::counts::{self, CountHeader, CountLine, CountMove, StockCount};
use crate::db::{items, stock, warehouses};
use crate::domain::status::CountAction;
use chrono::Datelike;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::{AppError, FieldError, Validator};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCount {
    pub warehouse_id: Uuid,
    /// Items to count; every item with stock in the warehouse when absent.
    pub item_ids: Option<Vec<Uuid>>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CountedLine {
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub counted: Decimal,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordCount {
    pub lines: Vec<CountedLine>,
    pub version: i64,
}

/// A count with its lines.
pub struct CountDetail {
    pub count: StockCount,
    pub lines: Vec<CountLine>,
}

/// The latest counts, newest first.
pub fn list(conn: &mut PgConnection) -> Result<Vec<StockCount>, AppError> {
    counts::latest(conn)
}

pub fn detail(conn: &mut PgConnection, id: Uuid) -> Result<CountDetail, AppError> {
    let count = counts::find(conn, id)?.ok_or_else(|| AppError::not_found("stock count"))?;
    let lines = counts::lines(conn, id)?;
    Ok(CountDetail { count, lines })
}

fn lock(conn: &mut PgConnection, id: Uuid) -> Result<StockCount, AppError> {
    counts::lock(conn, id)?.ok_or_else(|| AppError::not_found("stock count"))
}

/// The items a new sheet lists: the ones given (each must exist), else those in stock there.
fn items_to_count(conn: &mut PgConnection, v: &mut Validator, input: &NewCount) -> Result<Vec<Uuid>, AppError> {
    Ok(match &input.item_ids {
        Some(ids) => {
            let known = items::by_ids(conn, ids)?;
            for (i, id) in ids.iter().enumerate() {
                if !known.contains_key(id) {
                    v.add(format!("item_ids[{i}]"), "no such item");
                }
            }
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            ids
        }
        None => stock::items_in_stock(conn, input.warehouse_id)?,
    })
}

/// Makes a count sheet: the items with the quantities (and costs) the system has now.
pub fn create(conn: &mut PgConnection, actor: &CurrentUser, input: &NewCount) -> Result<CountDetail, AppError> {
    let mut v = Validator::new();
    v.optional_text("note", input.note.as_deref(), 1000);
    if warehouses::find(conn, input.warehouse_id)?.is_none() {
        v.add("warehouse_id", "no such warehouse");
    }
    let item_ids = items_to_count(conn, &mut v, input)?;
    v.check(
        !item_ids.is_empty(),
        "item_ids",
        "nothing to count: no items given and none in stock",
    );
    v.finish()?;
    let balances = stock::balances_of(conn, input.warehouse_id, &item_ids)?;
    let items = items::by_ids(conn, &item_ids)?;
    let id = Uuid::now_v7();
    let number = erp_db::next_number(conn, "CNT", erp_calendar::today().year())?;
    let lines: Vec<counts::NewCountLine> = item_ids
        .iter()
        .map(|item| {
            let (qty, avg) = balances.get(item).copied().unwrap_or_default();
            let cost = if qty > Decimal::ZERO {
                avg
            } else {
                items.get(item).map(|i| i.standard_cost).unwrap_or_default()
            };
            (*item, qty, cost)
        })
        .collect();
    counts::insert(
        conn,
        &CountHeader {
            id,
            number: &number,
            warehouse_id: input.warehouse_id,
            note: input.note.as_deref(),
            created_by: &actor.actor(),
        },
        &lines,
    )?;
    detail(conn, id)
}

/// Records counted quantities on a draft (any subset of its lines, as often as needed).
pub fn record(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    input: &RecordCount,
) -> Result<CountDetail, AppError> {
    let count = lock(conn, id)?;
    count.status.transition(CountAction::Record)?;
    if count.version != input.version {
        return Err(AppError::stale_version("the stock count"));
    }
    let lines: HashMap<Uuid, CountLine> = counts::lines(conn, id)?.into_iter().map(|l| (l.item_id, l)).collect();
    let mut v = Validator::new();
    for (i, l) in input.lines.iter().enumerate() {
        crate::domain::quantity::check_non_negative(&mut v, &format!("lines[{i}].counted"), l.counted);
        if !lines.contains_key(&l.item_id) {
            v.add(format!("lines[{i}].item_id"), "not on this count sheet");
        }
    }
    v.finish()?;
    // The variance is measured against the stock at the moment of counting, not when the
    // sheet was printed: what moved in between is already in the balance.
    let counted_items: Vec<Uuid> = input.lines.iter().map(|l| l.item_id).collect();
    let current = stock::balances_of(conn, count.warehouse_id, &counted_items)?;
    let actor = actor.actor();
    for l in &input.lines {
        if let Some(line) = lines.get(&l.item_id) {
            let (system_qty, unit_cost) = match current.get(&l.item_id) {
                Some((q, a)) if *q > Decimal::ZERO => (*q, *a),
                Some((q, _)) => (*q, line.unit_cost),
                None => (Decimal::ZERO, line.unit_cost),
            };
            counts::record_line(conn, line.id, l.counted, system_qty, unit_cost, &actor)?;
        }
    }
    counts::bump_version(conn, id)?;
    detail(conn, id)
}

/// Submits the count for approval; every line must be counted. The authority matrix decides
/// who approves (with no rule that applies it is approved at once).
pub fn submit(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    meta: &EventMeta,
) -> Result<CountDetail, AppError> {
    let sheet = CountSheet::load(conn, id)?;
    sheet.count.status.transition(CountAction::Submit)?;
    let missing: Vec<FieldError> = sheet
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.counted.is_none())
        .map(|(i, l)| {
            FieldError::new(
                format!("lines[{i}].counted"),
                format!("item {} is not counted yet", l.item_id),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    erp_approval::submit_document(conn, &sheet, actor, meta)?;
    detail(conn, id)
}

/// Cancels a draft or submitted count; a pending approval request is withdrawn.
pub fn cancel(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: Uuid,
    meta: &EventMeta,
) -> Result<CountDetail, AppError> {
    let count = lock(conn, id)?;
    let next = count.status.transition(CountAction::Cancel)?;
    erp_approval::withdraw_pending::<CountSheet>(conn, id, actor, meta)?;
    counts::move_to(
        conn,
        id,
        &CountMove {
            status: next,
            submitted_by: count.submitted_by.as_deref(),
            decided_by: None,
            decided_at: None,
        },
    )?;
    detail(conn, id)
}
