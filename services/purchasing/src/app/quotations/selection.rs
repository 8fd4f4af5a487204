//! The supplier chosen for a request: fewer than three quotations from different suppliers
//! need a reason; project control reviews the choice through the authority matrix.

use super::{SELECTION_DOCUMENT_TYPE, SupplierSelection};
use crate::app::requests::visible;
use crate::db::quotations::{self as db, NewSelection, QuotationRow, SelectionRow};
use crate::db::requests::{self as request_db, RequestRow};
use crate::db::suppliers::{self, SupplierRow};
use crate::domain::quotations::{MIN_QUOTATIONS, SelectionStatus};
use crate::domain::requests::RequestStatus;
use diesel::PgConnection;
use erp_approval::{Approvable, ApprovalDetail, decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::{AppError, Validator, clean};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SelectionInput {
    pub chosen_quotation_id: Uuid,
    /// Required when fewer than three suppliers quoted; the reviewer sees it.
    pub fewer_quotes_reason: Option<String>,
    pub note: Option<String>,
}

/// The selection with the chosen quotation, its supplier and project control's review.
#[derive(Debug, Clone)]
pub struct SelectionView {
    pub selection: SelectionRow,
    pub request_number: String,
    pub chosen: QuotationRow,
    pub supplier: SupplierRow,
    /// Quotations from different suppliers collected for the request.
    pub quotations: i64,
    pub approval: Option<ApprovalDetail>,
}

fn view(c: &mut PgConnection, r: &RequestRow) -> Result<SelectionView, AppError> {
    let selection = db::selection(c, r.id)?.ok_or_else(|| AppError::not_found("supplier selection"))?;
    let chosen = db::find(c, selection.chosen_quotation_id)?.ok_or_else(|| AppError::not_found("quotation"))?;
    let supplier = suppliers::find(c, chosen.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
    Ok(SelectionView {
        request_number: r.number.clone(),
        quotations: db::count_for_request(c, r.id)?,
        approval: erp_approval::latest_for_document(c, SELECTION_DOCUMENT_TYPE, r.id)?,
        chosen,
        supplier,
        selection,
    })
}

/// The supplier chosen for a request the caller sees.
pub fn get_selection(c: &mut PgConnection, user: &CurrentUser, request_id: Uuid) -> Result<SelectionView, AppError> {
    let r = visible(c, user, request_id, false)?;
    view(c, &r)
}

/// Chooses a supplier's quotation and passes the comparison to project control. Fewer than
/// three quotations from different suppliers need `fewer_quotes_reason`. After a rejection a
/// new choice may be made.
pub fn choose(
    c: &mut PgConnection,
    user: &CurrentUser,
    request_id: Uuid,
    input: &SelectionInput,
    meta: &EventMeta,
) -> Result<SelectionView, AppError> {
    let mut v = Validator::new();
    v.optional_text("fewer_quotes_reason", input.fewer_quotes_reason.as_deref(), 2000)
        .optional_text("note", input.note.as_deref(), 2000);
    v.finish()?;
    let reason = clean(input.fewer_quotes_reason.as_deref());
    let r = request_db::lock(c, request_id)?;
    if r.status != RequestStatus::Approved {
        return Err(AppError::wrong_state(format!(
            "a supplier is chosen for an approved purchase request; this one is {}",
            r.status
        )));
    }
    let status = SelectionStatus::submit(db::selection(c, request_id)?.map(|s| s.status))?;
    let q = db::find(c, input.chosen_quotation_id)?
        .filter(|q| q.request_id == request_id)
        .ok_or_else(|| {
            AppError::validation(
                "chosen_quotation_id",
                format!("not a quotation of purchase request {}", r.number),
            )
        })?;
    let count = db::count_for_request(c, request_id)?;
    if count < MIN_QUOTATIONS && reason.is_none() {
        return Err(AppError::validation(
            "fewer_quotes_reason",
            format!(
                "only {count} quotation(s) from different suppliers: collect at least {MIN_QUOTATIONS} \
                 or give the reason for fewer"
            ),
        ));
    }
    db::put_selection(
        c,
        &NewSelection {
            request_id,
            chosen_quotation_id: q.id,
            fewer_quotes_reason: reason,
            note: clean(input.note.as_deref()),
            status,
            approval_request_id: None,
            submitted_by: user.actor(),
        },
    )?;
    erp_bus::flow::inherit(
        c,
        (SELECTION_DOCUMENT_TYPE, request_id),
        (crate::app::requests::DOCUMENT_TYPE, request_id),
    )?;
    let document = SupplierSelection::lock(c, request_id)?;
    submit_document(c, &document, user, meta)?;
    view(c, &r)
}

/// Project control's decision on the pending review.
pub fn decide(
    c: &mut PgConnection,
    request_id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<SelectionView, AppError> {
    decide_document::<SupplierSelection>(c, request_id, approver, approve, comment, meta)?;
    let r = request_db::find(c, request_id)?;
    view(c, &r)
}
