//! Cross-service tests live in `tests/tests/`: scenarios that start several services against
//! the real PostgreSQL and RabbitMQ, and the check that `openapi/*.json` match the code.

/// Every service, in start order.
pub const SERVICES: [&str; 6] = ["hr", "crm", "purchasing", "warehouse", "production", "finance"];
