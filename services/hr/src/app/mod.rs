//! hr's commands and queries: one function per command or query, called by the HTTP handlers
//! inside their transaction (docs/architecture.md). hr consumes no events, so only `api` calls
//! them, and the start-up hook (`bootstrap`).

pub mod api_keys;
pub mod auth;
pub mod bootstrap;
pub mod departments;
pub mod employees;
pub mod throttle;
