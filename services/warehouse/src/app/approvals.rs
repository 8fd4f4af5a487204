//! warehouse's default authority matrix, written at start-up when its document types have no
//! rules yet (a general manager's later edits are kept).

use super::counts::CountSheet;
use erp_approval::{Approvable, Condition, RuleSeed};
use erp_auth::Role;

/// A stock count is approved by a general manager or a finance manager (either one decides:
/// see app/counts/approval.rs).
pub fn default_rules() -> Vec<RuleSeed> {
    let count = CountSheet::DOCUMENT_TYPE;
    vec![
        RuleSeed::new(count, Condition::Otherwise, Role::GeneralManager, 1),
        RuleSeed::new(count, Condition::Otherwise, Role::FinanceManager, 1),
    ]
}
