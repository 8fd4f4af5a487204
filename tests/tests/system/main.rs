//! The whole system under test, as one test binary so the six services are linked once: the
//! processes end to end, the fault tests, the security matrix and the OpenAPI snapshot.

mod console;
mod directory;
mod e2e_order_to_cash;
mod e2e_procure_to_pay;
mod event_chains;
mod faults;
mod instances;
mod openapi;
mod order_to_cash;
mod security_classes;
mod security_matrix;
