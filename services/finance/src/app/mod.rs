//! finance's commands and queries: one function per command or query, used by the HTTP
//! handlers and the event consumers alike (docs/architecture.md).

pub mod accounts;
pub mod approvals;
pub mod direct;
pub mod invoices;
pub mod journal;
pub mod payments;
pub mod periods;
pub mod reports;
