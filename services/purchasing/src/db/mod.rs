//! purchasing's tables (the schema is private to this module), row types and one function per
//! query, by document; the embedded migrations.

mod schema;

pub mod arrivals;
pub mod invoices;
pub mod orders;
pub mod payments;
pub mod quotations;
pub mod requests;
pub mod suppliers;
pub mod tolerances;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
