//! crm's part of the authority matrix: the default rules of its approvable documents
//! (quotations, sales orders, change requests, receipts), seeded on start.

use erp_approval::{Condition, RuleSeed};
use erp_auth::Role;
use erp_problem::AppError;
use rust_decimal::Decimal;

/// The authority matrix of DOMAIN.md, written on first start; a general manager edits it at
/// `/api/v1/approval-rules` afterwards. Amounts are in VND.
pub fn default_rules() -> Vec<RuleSeed> {
    let mut rules = Vec::new();
    for doc in [super::quotations::DOCUMENT_TYPE, super::orders::DOCUMENT_TYPE] {
        rules.push(RuleSeed::new(doc, Condition::BelowFloorPrice, Role::VicePresident, 1));
        rules.push(RuleSeed::new(doc, Condition::MarginBelow, Role::VicePresident, 1).percent(Decimal::from(10)));
        rules.push(
            RuleSeed::new(doc, Condition::TotalAbove, Role::VicePresident, 1).amount(Decimal::from(500_000_000), "VND"),
        );
        rules.push(
            RuleSeed::new(doc, Condition::TotalAbove, Role::GeneralManager, 2)
                .amount(Decimal::from(2_000_000_000i64), "VND"),
        );
        rules.push(RuleSeed::new(doc, Condition::Otherwise, Role::SalesManager, 1));
    }
    let change = super::changes::DOCUMENT_TYPE;
    rules.push(RuleSeed::new(
        change,
        Condition::BelowFloorPrice,
        Role::VicePresident,
        1,
    ));
    rules.push(RuleSeed::new(change, Condition::MarginBelow, Role::VicePresident, 1).percent(Decimal::from(10)));
    rules.push(RuleSeed::new(change, Condition::Otherwise, Role::SalesManager, 1));
    let order = super::orders::DOCUMENT_TYPE;
    rules.push(RuleSeed::new(order, Condition::CreditTerms, Role::GeneralManager, 2));
    rules.push(RuleSeed::new(
        order,
        Condition::OverCreditLimit,
        Role::GeneralManager,
        2,
    ));
    rules.extend(super::receipts::default_rules());
    rules
}

/// The start-up hook: seeds the default matrix of each document type that has no rule yet.
pub fn seed_authority_matrix(conn: &mut diesel::PgConnection, _config: &erp_config::Config) -> Result<(), AppError> {
    erp_approval::seed_rules(conn, &default_rules())?;
    Ok(())
}
