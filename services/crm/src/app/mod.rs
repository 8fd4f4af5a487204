//! crm's commands and queries: one function per command or query, used by the HTTP handlers
//! and the event consumers alike (docs/architecture.md).

pub mod activities;
pub mod balances;
pub mod customers;
pub mod invoicing;
pub mod leads;
pub mod opportunities;
pub mod outbound;
pub mod payments;
pub mod prices;
pub mod progress;
pub mod quantities;
pub mod receipts;
pub mod shipments;
