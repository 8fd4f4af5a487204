//! finance's part of the authority matrix: who reviews cashiers' direct entries (a finance
//! manager by default), seeded on start; a general manager edits it at `/api/v1/approval-rules`.

use diesel::PgConnection;
use erp_approval::{Condition, RuleSeed};
use erp_auth::Role;
use erp_problem::AppError;

pub fn default_rules() -> Vec<RuleSeed> {
    vec![RuleSeed::new(
        super::direct::DOCUMENT_TYPE,
        Condition::Otherwise,
        Role::FinanceManager,
        1,
    )]
}

/// The start-up hook: the chart of accounts, the book currency and the default matrix.
pub fn seed(conn: &mut PgConnection, _config: &erp_config::Config) -> Result<(), AppError> {
    crate::db::seed(conn)?;
    erp_approval::seed_rules(conn, &default_rules())?;
    Ok(())
}
