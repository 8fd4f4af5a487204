//! crm's commands and queries: one function per command or query, used by the HTTP handlers
//! and the event consumers alike (docs/architecture.md).

pub mod activities;
pub mod approvals;
pub mod balances;
pub mod changes;
pub mod customers;
pub mod invoicing;
pub mod leads;
pub mod lines;
pub mod opportunities;
pub mod orders;
pub mod outbound;
pub mod payments;
pub mod prices;
pub mod progress;
pub mod quantities;
pub mod quotations;
pub mod receipts;
pub mod shipments;
