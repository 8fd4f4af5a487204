//! A stock count's review is an approval request of the engine (document type `stock_count`):
//! the authority matrix names who approves, the request waits in their inbox, and nobody who
//! made, counted or submitted the count may decide it. Approval books each variance as a
//! `count` ledger row.

use super::CountDetail;
use crate::app::stock::{self, Move, StockError};
use crate::db::counts::{self, CountLine, CountMove, StockCount};
use crate::domain::costing::VALUATION_CURRENCY;
use crate::domain::status::{CountAction, CountStatus};
use crate::domain::{MovementKind, quantity};
use actix_web::http::StatusCode;
use chrono::Utc;
use diesel::PgConnection;
use erp_approval::{Approvable, Facts, StepQuorum, Submission, Verdict};
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_contracts::warehouse::SourceRef;
use erp_problem::{AppError, FieldError, Problem};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A count and its lines, as the approval engine handles it.
pub struct CountSheet {
    pub count: StockCount,
    pub lines: Vec<CountLine>,
}

impl CountSheet {
    /// The count (locked for the rest of the transaction) and its lines.
    pub fn load(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        let count = counts::lock(conn, id)?.ok_or_else(|| AppError::not_found("stock count"))?;
        let lines = counts::lines(conn, id)?;
        Ok(Self { count, lines })
    }

    /// Whether `actor` made, counted or submitted the count.
    fn took_part(&self, actor: &str) -> bool {
        self.count.created_by == actor
            || self.count.submitted_by.as_deref() == Some(actor)
            || self.lines.iter().any(|l| l.counted_by.as_deref() == Some(actor))
    }

    /// What the variances are worth, surplus and shortage alike.
    fn variance_value(&self) -> Decimal {
        self.lines
            .iter()
            .filter_map(|l| l.counted.map(|n| (n - l.system_qty).abs() * l.unit_cost))
            .sum()
    }

    /// Moves the count by `action`; a decision records who made it and when.
    fn move_by(&self, conn: &mut PgConnection, action: CountAction, actor: &str) -> Result<(), AppError> {
        let status = self.count.status.transition(action)?;
        let deciding = matches!(action, CountAction::Approve | CountAction::Reject);
        counts::move_to(
            conn,
            self.count.id,
            &CountMove {
                status,
                submitted_by: if action == CountAction::Submit {
                    Some(actor)
                } else {
                    self.count.submitted_by.as_deref()
                },
                decided_by: deciding.then_some(actor),
                decided_at: deciding.then(Utc::now),
            },
        )
    }

    /// Each variance becomes a `count` movement, unless stock moved after it was counted.
    fn book_variances(&self, conn: &mut PgConnection, actor: &str, meta: &EventMeta) -> Result<(), AppError> {
        let count = &self.count;
        let mut moved = Vec::new();
        for (i, l) in self.lines.iter().enumerate().filter(|(_, l)| l.counted.is_some()) {
            let now = crate::db::stock::on_hand(conn, l.item_id, count.warehouse_id)?;
            if now != l.system_qty {
                moved.push(FieldError::new(
                    format!("lines[{i}].counted"),
                    format!(
                        "stock moved since it was counted ({} then, {} now): count it again",
                        quantity::scaled(l.system_qty),
                        quantity::scaled(now)
                    ),
                ));
            }
        }
        if !moved.is_empty() {
            let mut p = Problem::new(
                StatusCode::CONFLICT,
                "stock-moved",
                "Stock moved since the count",
                "some items moved after they were counted; record their counts again, then approve",
            );
            p.errors = moved;
            return Err(AppError::Refused(Box::new(p)));
        }
        let reason = format!("stock count {}", count.number);
        let moves: Vec<Move> = self
            .lines
            .iter()
            .filter_map(|l| l.counted.map(|n| (l.item_id, n - l.system_qty, l.unit_cost)))
            .filter(|(_, variance, _)| !variance.is_zero())
            .map(|(item_id, variance, cost)| Move {
                item_id,
                warehouse_id: count.warehouse_id,
                quantity: variance,
                kind: MovementKind::Count,
                source_line_id: None,
                unit_cost: Some(cost),
                reason: Some(reason.clone()),
            })
            .collect();
        let source = SourceRef {
            kind: "warehouse.stock_count".into(),
            id: count.id,
            number: Some(count.number.clone()),
        };
        match stock::apply(conn, &moves, &source, actor, meta) {
            Ok(applied) => stock::publish_adjusted(conn, &applied, &source, &reason, meta),
            Err(StockError::Short(s)) => {
                let mut p = Problem::new(
                    StatusCode::CONFLICT,
                    "insufficient-stock",
                    "Insufficient stock",
                    "stock was issued after the count sheet was made, so a shortfall can no longer be booked; count again",
                );
                p.errors = s
                    .iter()
                    .map(|x| {
                        FieldError::new(
                            format!("lines[{}]", x.item_id),
                            format!("{} available", quantity::scaled(x.available)),
                        )
                    })
                    .collect();
                Err(AppError::Refused(Box::new(p)))
            }
            Err(StockError::App(e)) => Err(e),
        }
    }
}

impl Approvable for CountSheet {
    const DOCUMENT_TYPE: &'static str = "stock_count";
    const NAME: &'static str = "stock count";
    /// A general manager or a finance manager approves a count alone.
    const QUORUM: StepQuorum = StepQuorum::AnyRole;

    fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        Self::load(conn, id)
    }

    erp_approval::pending_when!(count, CountStatus::Submitted);

    fn facts(&self, submitter: &CurrentUser) -> Facts {
        Facts::new(
            Self::DOCUMENT_TYPE,
            self.count.id,
            &self.count.number,
            submitter.id,
            VALUATION_CURRENCY,
            self.variance_value(),
        )
    }

    /// Submitted by the request's actor (the event metadata's, who the engine records).
    fn submitted(&self, conn: &mut PgConnection, _submission: &Submission, meta: &EventMeta) -> Result<(), AppError> {
        self.move_by(conn, CountAction::Submit, &meta.actor)
    }

    fn approved(&self, conn: &mut PgConnection, approver: &CurrentUser, meta: &EventMeta) -> Result<(), AppError> {
        let actor = approver.actor();
        self.move_by(conn, CountAction::Approve, &actor)?;
        self.book_variances(conn, &actor, meta)
    }

    fn rejected(&self, conn: &mut PgConnection, approver: &CurrentUser, _meta: &EventMeta) -> Result<(), AppError> {
        self.move_by(conn, CountAction::Reject, &approver.actor())
    }

    fn check_approver(&self, _conn: &mut PgConnection, approver: &CurrentUser) -> Result<(), AppError> {
        if self.took_part(&approver.actor()) {
            return Err(AppError::Forbidden(
                "nobody approves or rejects a count they made, counted or submitted".into(),
            ));
        }
        Ok(())
    }
}

/// Records `approver`'s decision on the count's pending request; the count moves (and stock
/// with it) when the request is decided.
pub fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<CountDetail, AppError> {
    let verdict = erp_approval::decide_document::<CountSheet>(conn, id, approver, approve, comment, meta)?;
    if verdict != Verdict::Pending {
        counts::set_decision_comment(conn, id, comment)?;
    }
    super::detail(conn, id)
}
