#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The security test matrix by class (docs/security.md): the attacks that hit Odoo's and
//! ERPNext's advisories, tried against all six services at once. The per-operation role matrix
//! and the response headers are `security_matrix`; privilege escalation and sessions are in hr's
//! own tests (`services/hr/tests/grants`).

mod injection;
mod parameters;
mod records;
mod scripts;
mod tokens;

use erp_auth::Role;
use erp_testkit::{TestEnv, TestService};
use std::collections::HashMap;

/// All six services on one bus and one signing secret, hr last so that the others' queues exist
/// before its first events.
pub(crate) struct System {
    pub(crate) env: TestEnv,
    pub(crate) services: HashMap<&'static str, TestService>,
}

impl System {
    pub(crate) async fn start() -> System {
        let env = TestEnv::new();
        let mut services = HashMap::new();
        for def in super::security_matrix::service_defs().into_iter().rev() {
            let name = def.name;
            services.insert(name, env.start(def).await);
        }
        System { env, services }
    }

    pub(crate) fn svc(&self, name: &str) -> &TestService {
        &self.services[name]
    }

    /// A token holding every role: the attacks here are not about roles.
    pub(crate) fn everything(&self) -> String {
        self.env.token(&Role::ALL)
    }
}
