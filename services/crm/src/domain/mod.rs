//! crm's rules, free of I/O.

pub mod customer;
pub mod documents;
pub mod fulfilment;
pub mod money;
pub mod pipeline;
pub mod pricing;
pub mod visibility;
