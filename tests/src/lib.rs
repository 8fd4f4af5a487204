//! Cross-service tests live in `tests/tests/`: scenarios that start several services against
//! the real PostgreSQL and RabbitMQ, and the check that `openapi/*.json` match the code.
//! [`system`] runs all six services as real processes for the end-to-end and fault scenarios;
//! [`flows`] holds the HTTP steps they share; [`outage`] stops and starts the shared servers;
//! [`tap`] follows the events of one business flow as an integrator would.

pub mod flows;
pub mod outage;
mod process;
pub mod system;
pub mod tap;

/// Every service, in start order.
pub const SERVICES: [&str; 6] = ["hr", "crm", "purchasing", "warehouse", "production", "finance"];
