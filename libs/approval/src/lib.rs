//! The approval engine every service uses: one authority matrix (rules as data, edited at run
//! time by a `general_manager`), evaluated when a document is submitted; requests that go
//! `pending → approved | rejected | withdrawn` through one or more steps in order, with the
//! history of every decision; events through the service's outbox for the approvers' inbox.
//!
//! A service that uses it:
//! - runs `erp_directory::MIGRATIONS` and [`MIGRATIONS`] before its own, subscribes to
//!   `erp_directory::subscriptions` (the manager chain of `sales_manager` steps comes from the
//!   local directory) and mounts [`routes`];
//! - seeds its default rules in its start-up hook with [`seed_rules`];
//! - submits a document with [`submit`] in the document's transaction (an empty plan is
//!   approved at once), decides with [`decide`] from the document's own approve/reject
//!   endpoints and moves the document when the decision is final, and takes it back with
//!   [`withdraw`].

pub mod api;
pub mod db;
pub mod document;
pub mod domain;
pub mod events;
pub mod schema;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub use api::{DOORS, routes};
pub use db::{
    ApprovalDetail, ApprovalRequest, ApprovalStep, Decision, RequestRef, Submission, Verdict, decide, decide_with,
    document_history, eligible_approvers, find, history, latest_for_document, list_pending_for, seed_rules, submit,
    withdraw,
};
pub use document::{
    Approvable, Comment, checked_comment, decide_document, decision_comment, submit_document,
    submit_if_never_submitted, withdraw_pending, withdraw_pending_of,
};
pub use domain::{
    ApprovalRule, Condition, Facts, PlannedStep, RequestAction, RequestStatus, RuleSeed, StepDecision, StepQuorum,
    evaluate,
};
pub use events::{ApprovalDecided, ApprovalRequested, Outcome};

/// The approval tables (version `00000000000003`): run them next to the service's own.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
