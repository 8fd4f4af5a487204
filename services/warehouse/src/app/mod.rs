//! warehouse's commands and queries, one function each, used by the HTTP handlers and the
//! event consumers alike. Each runs in the caller's transaction: it locks, checks the state
//! table, calls `db`, moves stock through [`stock`] and enqueues its events.

pub mod approvals;
pub mod counts;
pub mod documents;
pub mod inbound;
pub mod items;
pub mod notes;
pub mod outbound;
pub mod reports;
pub mod stock;
pub mod warehouses;
