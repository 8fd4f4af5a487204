//! The hr service: identity (departments, employees, roles, login and tokens, API keys) and,
//! later, daily work. Publishes `hr.employee.changed`; every other service keeps a directory
//! from it.

pub mod api;
pub mod app;
pub mod db;
pub mod domain;
pub mod events;

use erp_server::ServiceDef;

pub const NAME: &str = "hr";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Employees, departments, roles, login and tokens, API keys for integrators.",
        migrations: || vec![db::MIGRATIONS],
        routes: api::routes,
        doors: api::doors::doors,
        subscriptions: events::subscriptions,
        init: Some(app::bootstrap::admin),
        jobs: &[],
    }
}
