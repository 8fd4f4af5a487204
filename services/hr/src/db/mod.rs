//! hr's tables and queries (docs/architecture.md): the schema is private to this module, rows
//! and one function per query live in a file per table. Functions take a connection that is
//! usually inside a transaction.

pub mod api_keys;
pub mod departments;
pub mod employees;
pub mod hierarchy;
mod schema;
pub mod throttle;
pub mod tokens;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub use api_keys::ApiKeyRow;
pub use departments::DepartmentRow;
pub use employees::EmployeeRow;
pub use hierarchy::Hierarchy;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
