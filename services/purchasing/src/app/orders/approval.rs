//! A purchase order as an approvable document: the purchasing manager, and above
//! 100,000,000 VND the general manager after them (the authority matrix decides); the last
//! approval publishes `purchasing.order.approved`.

use super::{DOCUMENT_TYPE, OrderView, get};
use crate::db::orders::{self as db, OrderRow};
use crate::db::suppliers;
use crate::domain::orders::{OrderAction, OrderStatus};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission, decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::purchasing::{OrderApproved, OrderApprovedLine};
use erp_problem::AppError;
use uuid::Uuid;

impl Approvable for OrderRow {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "purchase order";

    fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        db::lock(conn, id)
    }

    erp_approval::pending_when!(OrderStatus::PendingApproval);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        let mut facts = Facts::new(
            DOCUMENT_TYPE,
            self.id,
            &self.number,
            submitter.id,
            &self.currency,
            self.total,
        );
        facts.submitter_department = self.department_id;
        facts
    }

    fn submitted(&self, conn: &mut PgConnection, submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        let next = self.status.transition(OrderAction::Submit)?;
        db::set_approval(conn, self.id, submission.request.id)?;
        db::set_status(conn, self.id, next)
    }

    fn approved(&self, conn: &mut PgConnection, _approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        db::set_status(conn, self.id, self.status.transition(OrderAction::Approve)?)?;
        let event = approved_event(conn, self)?;
        erp_bus::enqueue(conn, meta, &event)?;
        Ok(())
    }

    fn rejected(&self, conn: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        db::set_status(conn, self.id, self.status.transition(OrderAction::Reject)?)
    }
}

/// The order as `purchasing.order.approved` carries it.
fn approved_event(c: &mut PgConnection, o: &OrderRow) -> Result<OrderApproved, AppError> {
    let supplier = suppliers::find(c, o.supplier_id)?.ok_or_else(|| AppError::not_found("supplier"))?;
    let lines = db::lines(c, o.id)?;
    Ok(OrderApproved {
        order_id: o.id,
        number: o.number.clone(),
        supplier_id: o.supplier_id,
        supplier_name: supplier.name,
        currency: o.currency.clone(),
        net: o.net,
        tax: o.tax,
        total: o.total,
        payment_terms: o.payment_terms.clone(),
        payment_days: o.payment_days,
        expected_arrival: o.expected_arrival,
        lines: lines
            .iter()
            .map(|l| OrderApprovedLine {
                line_id: l.id,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                net: l.net,
                tax: l.tax,
            })
            .collect(),
    })
}

/// Submits a draft for approval; with no rule that applies the order is approved at once.
pub fn submit(c: &mut PgConnection, user: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<OrderView, AppError> {
    let o = db::lock(c, id)?;
    o.status.transition(OrderAction::Submit)?;
    submit_document(c, &o, user, meta)?;
    get(c, id)
}

/// An approver's decision on the order's pending step.
pub fn decide(
    c: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<OrderView, AppError> {
    decide_document::<OrderRow>(c, id, approver, approve, comment, meta)?;
    get(c, id)
}
