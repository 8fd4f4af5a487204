//! hr's rules, free of I/O: what a valid employee or department is, hierarchy cycles, password
//! policy, and the shape of secrets (passwords, refresh tokens, API keys).

pub mod credentials;
pub mod grants;
pub mod hierarchy;
pub mod people;
pub mod throttle;
