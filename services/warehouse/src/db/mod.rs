//! warehouse's tables, row types and queries, one function per query. Functions take a
//! connection, usually inside the caller's transaction. The schema is private: nothing outside
//! this module names a table (docs/architecture.md).

pub mod counts;
pub mod documents;
pub mod inbound;
pub mod items;
mod note_reads;
pub mod outbound;
pub mod reports;
mod schema;
pub mod stock;
pub mod warehouses;

/// What a list of inbound or outbound notes is narrowed to (`S` is the note's state).
#[derive(Debug, Clone)]
pub struct NoteFilter<S> {
    pub status: Option<S>,
    pub warehouse_id: Option<uuid::Uuid>,
    /// The document the note was made for (a sales order's outbound request, a purchase order's
    /// arrival, …) by its id or its number.
    pub source_id: Option<uuid::Uuid>,
    pub source_number: Option<String>,
}

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A line's number from its position (1-based).
fn line_no(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}
