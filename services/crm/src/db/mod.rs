//! crm's tables, models and queries.

pub mod activities;
pub mod balances;
pub mod changes;
pub mod customers;
mod fulfilment;
pub mod leads;
pub mod opportunities;
pub mod order_fulfilment;
pub mod outbound;
pub mod payments;
pub mod prices;
pub mod quotations;
pub mod receipts;
pub mod reviews;
pub mod sales_orders;
mod schema;
pub mod shipments;
pub(crate) mod visibility;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub use customers::{
    Contact, Customer, CustomerBalance, balance_of, contacts_of, lock_visible_customer, visible_customer,
};
pub use prices::{Price, prices};
pub use sales_orders::{
    OrderLineRow, SalesOrderRow, lines as order_lines, lock_visible as lock_visible_order, visible as visible_order,
};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
