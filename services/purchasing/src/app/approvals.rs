//! purchasing's part of the authority matrix: the default rules of its approvable documents
//! (purchase requests, the supplier selection reviewed by project control, purchase orders by
//! amount, payment requests decided by finance and the differences of blocked supplier
//! invoices), seeded on start.

use super::{invoices, orders, payments, quotations, requests};
use diesel::PgConnection;
use erp_approval::{Condition, RuleSeed};
use erp_auth::Role;
use erp_problem::AppError;
use rust_decimal::Decimal;

/// Purchase orders above this total (VND) need the general manager after the purchasing manager.
pub const ORDER_GENERAL_MANAGER_ABOVE_VND: i64 = 100_000_000;

/// The purchasing part of the authority matrix, written on first start; a general manager edits
/// it at `/api/v1/approval-rules` afterwards. Amounts are in VND.
pub fn default_rules() -> Vec<RuleSeed> {
    let request = requests::DOCUMENT_TYPE;
    let selection = quotations::SELECTION_DOCUMENT_TYPE;
    let order = orders::DOCUMENT_TYPE;
    vec![
        RuleSeed::new(request, Condition::Otherwise, Role::PurchasingManager, 1),
        // Seed 000 §5.3: the quotations are passed to project control.
        RuleSeed::new(selection, Condition::Otherwise, Role::ProjectController, 1),
        RuleSeed::new(order, Condition::Otherwise, Role::PurchasingManager, 1),
        RuleSeed::new(order, Condition::TotalAbove, Role::PurchasingManager, 1)
            .amount(Decimal::from(ORDER_GENERAL_MANAGER_ABOVE_VND), "VND"),
        RuleSeed::new(order, Condition::TotalAbove, Role::GeneralManager, 2)
            .amount(Decimal::from(ORDER_GENERAL_MANAGER_ABOVE_VND), "VND"),
        // The finance manager decides on paying the supplier.
        RuleSeed::new(payments::DOCUMENT_TYPE, Condition::Otherwise, Role::FinanceManager, 1),
        // A blocked invoice's differences are settled by the purchasing manager.
        RuleSeed::new(
            invoices::DOCUMENT_TYPE,
            Condition::Otherwise,
            Role::PurchasingManager,
            1,
        ),
    ]
}

/// The start-up hook: seeds the default matrix of each document type that has no rule yet.
pub fn seed_authority_matrix(conn: &mut PgConnection, _config: &erp_config::Config) -> Result<(), AppError> {
    erp_approval::seed_rules(conn, &default_rules())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use erp_approval::{ApprovalRule, Facts, evaluate};
    use uuid::Uuid;

    fn rules() -> Vec<ApprovalRule> {
        default_rules()
            .into_iter()
            .map(|s| ApprovalRule {
                id: Uuid::now_v7(),
                document_type: s.document_type,
                condition: s.condition,
                threshold: s.threshold,
                currency: s.currency,
                approver_role: s.approver_role,
                step: s.step,
                active: true,
                version: 1,
                created_by: "seed".into(),
                created_at: Utc::now(),
                updated_at: Utc::now(),
            })
            .collect()
    }

    fn roles_for(document_type: &str, currency: &str, total: i64) -> Vec<(i32, Role)> {
        let facts = Facts::new(
            document_type,
            Uuid::now_v7(),
            "X-1",
            Uuid::now_v7(),
            currency,
            Decimal::from(total),
        );
        evaluate(&rules(), &facts)
            .into_iter()
            .map(|p| (p.step, p.approver_role))
            .collect()
    }

    #[test]
    fn seeds_are_valid() {
        let mut v = erp_problem::Validator::new();
        for s in default_rules() {
            s.check(&mut v);
        }
        assert!(v.finish().is_ok());
    }

    #[test]
    fn small_orders_need_the_purchasing_manager_large_ones_the_general_manager_too() {
        let order = orders::DOCUMENT_TYPE;
        assert_eq!(roles_for(order, "VND", 5_000_000), vec![(1, Role::PurchasingManager)]);
        assert_eq!(roles_for(order, "VND", 100_000_000), vec![(1, Role::PurchasingManager)]);
        assert_eq!(
            roles_for(order, "VND", 100_000_001),
            vec![(1, Role::PurchasingManager), (2, Role::GeneralManager)]
        );
        assert_eq!(roles_for(order, "USD", 900_000_000), vec![(1, Role::PurchasingManager)]);
    }

    #[test]
    fn requests_and_selections_have_their_reviewers() {
        assert_eq!(
            roles_for(requests::DOCUMENT_TYPE, "VND", 0),
            vec![(1, Role::PurchasingManager)]
        );
        assert_eq!(
            roles_for(quotations::SELECTION_DOCUMENT_TYPE, "VND", 1),
            vec![(1, Role::ProjectController)]
        );
    }

    #[test]
    fn payments_go_to_finance_and_invoice_differences_to_the_purchasing_manager() {
        assert_eq!(
            roles_for(payments::DOCUMENT_TYPE, "CNY", 300),
            vec![(1, Role::FinanceManager)]
        );
        assert_eq!(
            roles_for(invoices::DOCUMENT_TYPE, "VND", 999_000_000),
            vec![(1, Role::PurchasingManager)]
        );
    }
}
