//! Purchase requests: entered by hand (by buyers and by anyone with a buying need: warehouse,
//! production, technical, projects) or made from the warehouse's shortages; `draft →
//! pending_approval → approved → ordered`, `rejected`, `cancelled`. Submitting goes to the
//! purchasing manager through the authority matrix; requests carry no prices.

mod approval;
mod lines;
mod shortage;

pub use lines::{RequestInput, RequestLineInput};
pub use shortage::{REQUESTED_BY, from_shortage, source_key};

use super::quotations::SupplierSelection;
use crate::db::quotations::{self as quotation_db, SelectionRow};
use crate::db::requests::{self as db, NewLine, NewRequest, RequestChanges, RequestLineRow, RequestRow};
use crate::domain::requests::{RequestAction, RequestStatus, STOCK_SHORTAGE, Scope, check_may_change};
use chrono::Datelike;
use diesel::PgConnection;
use erp_approval::{decide_document, submit_document, withdraw_pending};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_catalogue::CatalogueItem;
use erp_db::{Page, Paging};
use erp_problem::{AppError, Validator, clean};
use rust_decimal::Decimal;
use std::collections::HashMap;
use uuid::Uuid;

/// The approval document type of purchase requests.
pub const DOCUMENT_TYPE: &str = "purchase_request";

/// A request with its lines, the items as the catalogue knows them, and the supplier chosen.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub request: RequestRow,
    pub lines: Vec<RequestLineRow>,
    pub items: HashMap<Uuid, CatalogueItem>,
    pub selection: Option<SelectionRow>,
}

/// The request, if the caller may see it (else 404: ids leak nothing).
pub(crate) fn visible(c: &mut PgConnection, user: &CurrentUser, id: Uuid, lock: bool) -> Result<RequestRow, AppError> {
    let r = if lock { db::lock(c, id)? } else { db::find(c, id)? };
    if Scope::of(user).sees(r.requester_id, &r.source) {
        Ok(r)
    } else {
        Err(AppError::not_found("purchase request"))
    }
}

pub(crate) fn view(c: &mut PgConnection, id: Uuid) -> Result<RequestView, AppError> {
    let request = db::find(c, id)?;
    let lines = db::lines(c, id)?;
    let ids: Vec<Uuid> = lines.iter().map(|l| l.item_id).collect();
    Ok(RequestView {
        items: erp_catalogue::items_by_id(c, &ids)?,
        selection: quotation_db::selection(c, id)?,
        lines,
        request,
    })
}

pub fn get(c: &mut PgConnection, user: &CurrentUser, id: Uuid) -> Result<RequestView, AppError> {
    visible(c, user, id, false)?;
    view(c, id)
}

/// The requests the caller sees, optionally of one state and source.
pub fn list(
    c: &mut PgConnection,
    user: &CurrentUser,
    status: Option<RequestStatus>,
    source: Option<&str>,
    paging: &Paging,
) -> Result<Page<RequestRow>, AppError> {
    let rows = db::list(c, Scope::of(user), status, source, paging)?;
    Ok(Page::from_rows(rows, paging.limit, |r| r.id))
}

/// A request ready to be stored as a draft.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub source: String,
    pub source_key: Option<String>,
    pub source_ref: serde_json::Value,
    pub requested_by: String,
    pub requester_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub needed_by: Option<chrono::NaiveDate>,
    pub note: Option<String>,
}

/// Stores a draft request and its lines; returns its id.
pub(crate) fn insert_draft(c: &mut PgConnection, d: Draft, lines: &[NewLine]) -> Result<Uuid, AppError> {
    let request = NewRequest {
        id: Uuid::now_v7(),
        number: erp_db::next_number(c, "PR", erp_calendar::today().year())?,
        source: d.source,
        source_key: d.source_key,
        source_ref: d.source_ref,
        status: RequestStatus::Draft,
        requested_by: d.requested_by,
        requester_id: d.requester_id,
        department_id: d.department_id,
        needed_by: d.needed_by,
        note: d.note,
    };
    db::insert(c, &request, lines)?;
    Ok(request.id)
}

/// A new draft request; items come from the catalogue.
pub fn create(c: &mut PgConnection, user: &CurrentUser, input: &RequestInput) -> Result<RequestView, AppError> {
    let mut v = Validator::new();
    let (source, source_ref) = lines::check_header(&mut v, input);
    let lines = lines::build_lines(c, lines::errors_of(v), &input.lines)?;
    let department_id = erp_directory::find(c, user.id)?
        .and_then(|e| e.department_id)
        .or(user.department_id);
    let draft = Draft {
        source,
        source_key: None,
        source_ref,
        requested_by: user.actor(),
        requester_id: Some(user.id),
        department_id,
        needed_by: input.needed_by,
        note: clean(input.note.as_deref()),
    };
    let id = insert_draft(c, draft, &lines)?;
    view(c, id)
}

/// Changes a draft (lines are replaced); the version must be the current one.
pub fn update(
    c: &mut PgConnection,
    user: &CurrentUser,
    id: Uuid,
    input: &RequestInput,
) -> Result<RequestView, AppError> {
    let mut v = Validator::new();
    v.check(
        input.version.is_some(),
        "version",
        "is required to change a purchase request",
    );
    let (source, source_ref) = lines::check_header(&mut v, input);
    let errors = lines::errors_of(v);
    let r = visible(c, user, id, true)?;
    check_may_change(user, r.requester_id)?;
    r.status.transition(RequestAction::Edit)?;
    if errors.is_empty() && Some(r.version) != input.version {
        return Err(AppError::stale_version("the purchase request"));
    }
    let lines = lines::build_lines(c, errors, &input.lines)?;
    // A shortage keeps its source: it is how a redelivery is recognised.
    let (source, source_ref) = if r.source == STOCK_SHORTAGE {
        (r.source.clone(), r.source_ref.clone())
    } else {
        (source, source_ref)
    };
    let changes = RequestChanges {
        source,
        source_ref,
        needed_by: input.needed_by,
        note: clean(input.note.as_deref()),
    };
    db::update(c, id, &changes)?;
    db::replace_lines(c, id, &lines)?;
    view(c, id)
}

/// Submits a draft to the purchasing manager (the authority matrix decides; with no rule the
/// request is approved at once).
pub fn submit(c: &mut PgConnection, user: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<RequestView, AppError> {
    let r = visible(c, user, id, true)?;
    check_may_change(user, r.requester_id)?;
    r.status.transition(RequestAction::Submit)?;
    // A shortage's draft may name an item the catalogue has dropped since.
    let inputs: Vec<RequestLineInput> = db::lines(c, id)?
        .iter()
        .map(|l| RequestLineInput {
            item_id: l.item_id,
            quantity: l.quantity,
            needed_by: None,
            note: None,
        })
        .collect();
    lines::build_lines(c, Vec::new(), &inputs)?;
    submit_document(c, &r, user, meta)?;
    view(c, id)
}

/// An approver's decision on the request's pending step.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<RequestView, AppError> {
    decide_document::<RequestRow>(c, id, approver, approve, comment, meta)?;
    view(c, id)
}

/// Cancels a request not yet on purchase orders; a pending approval (of the request or of its
/// supplier selection) is withdrawn with it.
pub fn cancel(c: &mut PgConnection, user: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<RequestView, AppError> {
    let r = visible(c, user, id, true)?;
    check_may_change(user, r.requester_id)?;
    let next = r.status.transition(RequestAction::Cancel)?;
    if db::lines(c, id)?.iter().any(|l| l.ordered > Decimal::ZERO) {
        return Err(AppError::wrong_state(
            "lines of the request are on purchase orders; cancel those orders first",
        ));
    }
    withdraw_pending::<RequestRow>(c, id, user, meta)?;
    withdraw_pending::<SupplierSelection>(c, id, user, meta)?;
    db::set_status(c, id, next)?;
    view(c, id)
}

/// Keeps a request's status in step with its lines: `ordered` once every line is fully on
/// purchase orders, `approved` again when a cancelled or cut order leaves some open.
pub(crate) fn sync_ordered(c: &mut PgConnection, request_id: Uuid) -> Result<(), AppError> {
    let r = db::lock(c, request_id)?;
    let complete = db::lines(c, request_id)?.iter().all(|l| l.ordered >= l.quantity);
    let action = match (r.status, complete) {
        (RequestStatus::Approved, true) => RequestAction::Order,
        (RequestStatus::Ordered, false) => RequestAction::Reopen,
        _ => return Ok(()),
    };
    db::set_status(c, request_id, r.status.transition(action)?)
}

/// Adds `delta` to what a request line has on purchase orders; never below zero nor above the
/// requested quantity (else 422 on `field`).
pub(crate) fn add_ordered(c: &mut PgConnection, line_id: Uuid, delta: Decimal, field: &str) -> Result<(), AppError> {
    let (quantity, ordered) = db::lock_line(c, line_id)?;
    let next = ordered + delta;
    if next > quantity {
        return Err(AppError::validation(
            field,
            format!(
                "only {} of the request line are still to order",
                (quantity - ordered).max(Decimal::ZERO).normalize()
            ),
        ));
    }
    db::set_ordered(c, line_id, next.max(Decimal::ZERO))
}
