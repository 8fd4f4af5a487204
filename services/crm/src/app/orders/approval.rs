//! A sales order as an approvable document: the authority matrix looks at floor prices,
//! margin, total, credit terms and the customer's credit limit; the last approval publishes
//! `crm.order.approved` (finance builds the receivable schedule from it).

use super::{DOCUMENT_TYPE, OrderView, view};
use crate::db::sales_orders::{self as rows, SalesOrderRow};
use crate::db::{self, Customer};
use crate::domain::customer::PaymentTerms;
use crate::domain::documents::{OrderAction, OrderStatus};
use crate::domain::visibility::{Scope, scope};
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, Submission, decide_document, submit_document};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::crm::{OrderApproved, OrderApprovedLine};
use erp_problem::AppError;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The order with what only its submission knows: whether it takes the customer over the
/// credit limit. Decisions do not evaluate the matrix again, so a locked order has `false`.
pub struct OrderDocument {
    order: SalesOrderRow,
    over_credit_limit: bool,
}

impl Approvable for OrderDocument {
    const DOCUMENT_TYPE: &'static str = DOCUMENT_TYPE;
    const NAME: &'static str = "order";

    fn lock(c: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        Ok(OrderDocument {
            order: rows::lock_visible(c, Scope::All, id)?,
            over_credit_limit: false,
        })
    }

    erp_approval::pending_when!(order, OrderStatus::PendingApproval);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        let o = &self.order;
        let mut facts = Facts::new(DOCUMENT_TYPE, o.id, &o.number, submitter.id, &o.currency, o.total);
        facts.submitter_department = o.department_id;
        facts.below_floor = o.below_floor;
        facts.margin_pct = o.margin_pct;
        facts.credit_terms = PaymentTerms::parse(&o.payment_terms).is_some_and(PaymentTerms::is_credit);
        facts.over_credit_limit = self.over_credit_limit;
        facts
    }

    fn submitted(&self, c: &mut PgConnection, submission: &Submission, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_approval(c, self.order.id, submission.request.id)?;
        rows::set_status(c, self.order.id, self.order.status.transition(OrderAction::Submit)?)
    }

    fn approved(&self, c: &mut PgConnection, _approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        rows::set_status(c, self.order.id, self.order.status.transition(OrderAction::Approve)?)?;
        let event = approved_event(c, &self.order)?;
        erp_bus::enqueue(c, meta, &event)?;
        Ok(())
    }

    fn rejected(&self, c: &mut PgConnection, _approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        rows::set_status(c, self.order.id, self.order.status.transition(OrderAction::Reject)?)
    }
}

/// Open receivables after this order, against the limit; a limit of zero means no credit.
fn over_credit_limit(c: &mut PgConnection, customer: &Customer, order: &SalesOrderRow) -> Result<bool, AppError> {
    let open = db::balance_of(c, customer.id)?
        .filter(|b| b.currency == order.currency)
        .map(|b| b.open_amount)
        .unwrap_or(Decimal::ZERO);
    // Other approved orders on credit count too: the goods are promised.
    let committed = rows::committed_on_credit(c, customer.id, &order.currency, order.id)?;
    let credit = PaymentTerms::parse(&order.payment_terms).is_some_and(PaymentTerms::is_credit);
    // A prepaid order adds nothing to what the customer owes.
    let this = if credit { order.total } else { Decimal::ZERO };
    let exposure = open + committed + this;
    Ok(customer.currency == order.currency && exposure > Decimal::ZERO && exposure > customer.credit_limit)
}

/// The order as `crm.order.approved` (and `crm.order.changed`) carry it.
pub fn approved_event(c: &mut PgConnection, o: &SalesOrderRow) -> Result<OrderApproved, AppError> {
    let lines = rows::lines(c, o.id)?;
    Ok(OrderApproved {
        order_id: o.id,
        order_number: o.number.clone(),
        customer_id: o.customer_id,
        customer_name: o.buyer.get("name").and_then(|n| n.as_str()).map(str::to_owned),
        owner_id: o.owner_id,
        currency: o.currency.clone(),
        net: o.net,
        tax: o.tax,
        total: o.total,
        payment_terms: o.payment_terms.clone(),
        payment_days: o.payment_days,
        order_date: o.order_date,
        lines: lines
            .iter()
            .map(|l| OrderApprovedLine {
                line_id: l.id,
                item_id: l.item_id,
                quantity: l.quantity,
                unit_price: l.unit_price,
                net: l.net,
                tax: l.tax,
                delivery_date: l.delivery_date,
            })
            .collect(),
    })
}

/// Submits a draft: credit is checked and the authority matrix decides who must approve; when
/// no rule applies the order is approved at once.
pub fn submit(c: &mut PgConnection, actor: &CurrentUser, id: Uuid, meta: &EventMeta) -> Result<OrderView, AppError> {
    let order = rows::lock_visible(c, scope(actor), id)?;
    order.status.transition(OrderAction::Submit)?;
    let customer = db::visible_customer(c, Scope::All, order.customer_id)?;
    let over_credit_limit = over_credit_limit(c, &customer, &order)?;
    submit_document(
        c,
        &OrderDocument {
            order,
            over_credit_limit,
        },
        actor,
        meta,
    )?;
    view(c, id)
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
    decide_document::<OrderDocument>(c, id, approver, approve, comment, meta)?;
    view(c, id)
}
