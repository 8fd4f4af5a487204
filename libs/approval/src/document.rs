//! The one way a document goes through approval. A document type implements [`Approvable`]
//! (its type name, how it is locked, its facts for the matrix, what happens when it is
//! submitted, approved or rejected); [`submit_document`], [`decide_document`] and
//! [`withdraw_pending`] run the lifecycle inside the caller's transaction, every event they
//! and the document publish continuing the document's flow (`erp_bus::flow`), and
//! [`decision_endpoints!`](crate::decision_endpoints) generates its approve and reject
//! endpoints. docs/architecture.md walks through adding one.

use crate::db::{self, Submission, Verdict};
use crate::domain::{Facts, RequestStatus, StepQuorum};
use crate::schema::approval_requests;
use diesel::prelude::*;
use erp_auth::CurrentUser;
use erp_bus::EventMeta;
use erp_problem::AppError;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A document that needs a decision before it takes effect.
pub trait Approvable: Sized {
    /// Its name in the authority matrix and on approval requests (`quotation`).
    const DOCUMENT_TYPE: &'static str;
    /// What people call it, for messages ("quotation", "purchase order").
    const NAME: &'static str;

    /// Locks the document (`FOR UPDATE`) by id, without visibility checks: approvers are
    /// found by role, and the engine checks them. Unknown is a 404.
    fn lock(conn: &mut diesel::PgConnection, id: Uuid) -> Result<Self, AppError>;
    /// Its id.
    fn id(&self) -> Uuid;
    /// Its state's name, for a wrong-state message.
    fn state_name(&self) -> &'static str;
    /// Whether it waits for a decision now.
    fn is_pending(&self) -> bool;
    /// The facts the authority matrix is evaluated on, for `submitter`.
    fn facts(&self, submitter: &CurrentUser) -> Facts;
    /// After the request was recorded: the document moves to its pending state and keeps the
    /// request. When no rule applied, [`Approvable::approved`] follows at once.
    fn submitted(
        &self,
        conn: &mut diesel::PgConnection,
        submission: &Submission,
        meta: &EventMeta,
    ) -> Result<(), AppError>;
    /// The last step approved it: it takes effect (state, events, follow-up documents).
    fn approved(
        &self,
        conn: &mut diesel::PgConnection,
        approver: &CurrentUser,
        meta: &EventMeta,
    ) -> Result<(), AppError>;
    /// A step rejected it.
    fn rejected(
        &self,
        conn: &mut diesel::PgConnection,
        approver: &CurrentUser,
        meta: &EventMeta,
    ) -> Result<(), AppError>;
    /// Whether one holder of any role of a step decides it, or every role must (the default).
    const QUORUM: StepQuorum = StepQuorum::EveryRole;

    /// Extra checks on who may decide, beyond the matrix (e.g. nobody who counted the stock
    /// approves the count). None by default.
    fn check_approver(&self, _conn: &mut diesel::PgConnection, _approver: &CurrentUser) -> Result<(), AppError> {
        Ok(())
    }
}

/// Submits a locked document whose own state allows submitting: the matrix decides who must
/// approve; with no rule that applies it is approved at once.
pub fn submit_document<D: Approvable>(
    conn: &mut diesel::PgConnection,
    document: &D,
    submitter: &CurrentUser,
    meta: &EventMeta,
) -> Result<Submission, AppError> {
    let meta = &erp_bus::flow::resume(conn, meta, (D::DOCUMENT_TYPE, document.id()))?;
    let submission = db::submit(conn, &document.facts(submitter), meta)?;
    document.submitted(conn, &submission, meta)?;
    if submission.auto_approved {
        D::lock(conn, document.id())?.approved(conn, submitter, meta)?;
    }
    Ok(submission)
}

/// Records `approver`'s decision on the document's pending request; the document moves when
/// the chain ends. A document not waiting for a decision is a 409.
pub fn decide_document<D: Approvable>(
    conn: &mut diesel::PgConnection,
    id: Uuid,
    approver: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<Verdict, AppError> {
    let document = D::lock(conn, id)?;
    if !document.is_pending() {
        return Err(AppError::Conflict {
            slug: "wrong-state",
            detail: format!("the {} is {}, not waiting for approval", D::NAME, document.state_name()),
        });
    }
    document.check_approver(conn, approver)?;
    let meta = &erp_bus::flow::resume(conn, meta, (D::DOCUMENT_TYPE, id))?;
    let verdict = db::decide_with(
        conn,
        (D::DOCUMENT_TYPE, id),
        approver,
        approve,
        comment,
        meta,
        D::QUORUM,
    )?
    .verdict();
    match verdict {
        Verdict::Pending => {}
        Verdict::Approved => document.approved(conn, approver, meta)?,
        Verdict::Rejected => document.rejected(conn, approver, meta)?,
    }
    Ok(verdict)
}

/// Withdraws the document's pending request, if it has one (a pending document cancelled or
/// taken back to change): the approvers' inbox items close. Returns whether one was pending.
pub fn withdraw_pending<D: Approvable>(
    conn: &mut diesel::PgConnection,
    id: Uuid,
    by: &CurrentUser,
    meta: &EventMeta,
) -> Result<bool, AppError> {
    withdraw_pending_of(conn, D::DOCUMENT_TYPE, id, by, meta)
}

/// [`withdraw_pending`] by document type name, for a document with two kinds of approval.
pub fn withdraw_pending_of(
    conn: &mut diesel::PgConnection,
    document_type: &str,
    id: Uuid,
    by: &CurrentUser,
    meta: &EventMeta,
) -> Result<bool, AppError> {
    let pending: Option<Uuid> = approval_requests::table
        .filter(approval_requests::document_type.eq(document_type))
        .filter(approval_requests::document_id.eq(id))
        .filter(approval_requests::status.eq(RequestStatus::Pending.as_str()))
        .select(approval_requests::id)
        .first(conn)
        .optional()?;
    if pending.is_none() {
        return Ok(false);
    }
    let meta = &erp_bus::flow::resume(conn, meta, (document_type, id))?;
    db::withdraw(conn, document_type, id, by, meta)?;
    Ok(true)
}

/// The comment of the step that decided the document's latest request, for documents that keep
/// it on themselves as well.
pub fn decision_comment(
    conn: &mut diesel::PgConnection,
    document_type: &str,
    id: Uuid,
) -> Result<Option<String>, AppError> {
    let latest = db::latest_for_document(conn, document_type, id)?;
    Ok(latest
        .into_iter()
        .flat_map(|d| d.steps)
        .filter(|s| s.decided_at.is_some())
        .max_by_key(|s| s.decided_at)
        .and_then(|s| s.comment))
}

/// A pending document recorded before its type went through the engine has no request: it is
/// submitted now, on behalf of `recorded_by` (the actor string it keeps). Returns whether a
/// request waits for a decision (not when no rule applied and it was approved at once).
pub fn submit_if_never_submitted<D: Approvable>(
    conn: &mut diesel::PgConnection,
    document: &D,
    recorded_by: &str,
    meta: &EventMeta,
) -> Result<bool, AppError> {
    if !document.is_pending() || db::latest_for_document(conn, D::DOCUMENT_TYPE, document.id())?.is_some() {
        return Ok(true);
    }
    let (kind, id) = match recorded_by.strip_prefix("api-key:") {
        Some(id) => (erp_auth::SubjectKind::ApiKey, id),
        None => (erp_auth::SubjectKind::Employee, recorded_by),
    };
    let recorder = CurrentUser {
        id: Uuid::parse_str(id).map_err(AppError::internal)?,
        kind,
        code: String::new(),
        name: recorded_by.to_owned(),
        department_id: None,
        manager_id: None,
        roles: Vec::new(),
    };
    Ok(!submit_document(conn, document, &recorder, meta)?.auto_approved)
}

/// A decision's comment, trimmed (`None` when blank): at most 2,000 characters, and required
/// to reject (422 on `comment`: "is required to reject <what>").
pub fn checked_comment(approve: bool, comment: Option<&str>, what: &str) -> Result<Option<String>, AppError> {
    let comment = erp_problem::clean(comment);
    let mut v = erp_problem::Validator::new();
    v.optional_text("comment", comment.as_deref(), 2000);
    v.check(
        approve || comment.is_some(),
        "comment",
        &format!("is required to reject {what}"),
    );
    v.finish()?;
    Ok(comment)
}

/// The body of an approve or reject call.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Comment {
    pub comment: Option<String>,
}

/// The three answers about a document's state that every [`Approvable`] gives alike, for a
/// document with an `id` and a typed `status` (on itself, or on the row in its field `$row`):
/// `id`, `state_name` and `is_pending` (`status == $pending`). Used inside the impl:
///
/// ```ignore
/// impl Approvable for RequestRow {
///     erp_approval::pending_when!(RequestStatus::PendingApproval);
///     // const DOCUMENT_TYPE, NAME; fn lock, facts, submitted, approved, rejected
/// }
/// ```
#[macro_export]
macro_rules! pending_when {
    ($pending:path) => {
        fn id(&self) -> uuid::Uuid {
            self.id
        }
        fn state_name(&self) -> &'static str {
            self.status.as_str()
        }
        fn is_pending(&self) -> bool {
            self.status == $pending
        }
    };
    ($row:ident, $pending:path) => {
        fn id(&self) -> uuid::Uuid {
            self.$row.id
        }
        fn state_name(&self) -> &'static str {
            self.$row.status.as_str()
        }
        fn is_pending(&self) -> bool {
            self.$row.status == $pending
        }
    };
}

/// Generates a document's `approve` and `reject` endpoints (utoipa needs concrete handlers).
/// Each calls `$decide(conn, id, &user, approve, comment, &meta)` (an application function
/// that runs [`decide_document`] and returns the document's view) in one transaction and
/// answers the view converted `into` `$body`. Doc
/// comments before an endpoint's name become its summary. The calling module imports
/// `actix_web::post`: the route attribute is named as utoipa recognises it.
///
/// ```ignore
/// erp_approval::decision_endpoints! {
///     tag: "quotations", id: "quotation id", body: QuotationDetail,
///     decide: app::quotations::decide,
///     approve: /// Approves the step waiting for the caller.
///         approve_quotation = "/api/v1/quotations/{id}/approve",
///     reject: reject_quotation = "/api/v1/quotations/{id}/reject",
///     forbidden: "not the approver of this step, or one's own quotation",
///     conflict: "not waiting for approval, or already decided",
/// }
/// ```
#[macro_export]
macro_rules! decision_endpoints {
    (
        tag: $tag:literal, id: $id_doc:literal, body: $body:ty,
        decide: $decide:path,
        approve: $(#[$approve_doc:meta])* $approve:ident = $approve_path:literal,
        reject: $(#[$reject_doc:meta])* $reject:ident = $reject_path:literal,
        forbidden: $forbidden:literal,
        conflict: $conflict:literal $(,)?
    ) => {
        $(#[$approve_doc])*
        #[utoipa::path(
            post,
            path = $approve_path,
            tag = $tag,
            params(("id" = uuid::Uuid, Path, description = $id_doc)),
            request_body = $crate::Comment,
            responses(
                (status = 200, body = $body),
                (status = 403, description = $forbidden, body = erp_problem::Problem, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = erp_problem::Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($approve_path)]
        async fn $approve(
            ctx: actix_web::web::Data<erp_server::AppContext>,
            user: erp_auth::CurrentUser,
            id: actix_web::web::Path<uuid::Uuid>,
            body: erp_problem::Json<$crate::Comment>,
        ) -> Result<actix_web::web::Json<$body>, erp_problem::AppError> {
            let meta = ctx.event_meta(&user);
            let (id, comment) = (id.into_inner(), body.into_inner().comment);
            let view = erp_db::transaction(&ctx.pool, move |c| {
                $decide(c, id, &user, true, comment.as_deref(), &meta)
            })
            .await?;
            Ok(actix_web::web::Json(<$body>::from(view)))
        }

        $(#[$reject_doc])*
        #[utoipa::path(
            post,
            path = $reject_path,
            tag = $tag,
            params(("id" = uuid::Uuid, Path, description = $id_doc)),
            request_body = $crate::Comment,
            responses(
                (status = 200, body = $body),
                (status = 403, description = $forbidden, body = erp_problem::Problem, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = erp_problem::Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($reject_path)]
        async fn $reject(
            ctx: actix_web::web::Data<erp_server::AppContext>,
            user: erp_auth::CurrentUser,
            id: actix_web::web::Path<uuid::Uuid>,
            body: erp_problem::Json<$crate::Comment>,
        ) -> Result<actix_web::web::Json<$body>, erp_problem::AppError> {
            let meta = ctx.event_meta(&user);
            let (id, comment) = (id.into_inner(), body.into_inner().comment);
            let view = erp_db::transaction(&ctx.pool, move |c| {
                $decide(c, id, &user, false, comment.as_deref(), &meta)
            })
            .await?;
            Ok(actix_web::web::Json(<$body>::from(view)))
        }
    };
}
