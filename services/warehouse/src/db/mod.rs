//! warehouse's tables, row types and queries, one function per query. Functions take a
//! connection, usually inside the caller's transaction. The schema is private: nothing outside
//! this module names a table (docs/architecture.md).

pub mod counts;
pub mod documents;
pub mod inbound;
pub mod items;
pub mod outbound;
pub mod reports;
mod schema;
pub mod stock;
pub mod warehouses;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A line's number from its position (1-based).
fn line_no(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}
