//! finance's tests through its HTTP API and events, against the real PostgreSQL and RabbitMQ: one
//! test binary (one link) with a module per area.

mod approvals;
mod common;
mod invoicing;
mod ledger;
