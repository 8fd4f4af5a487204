//! Rules, facts and evaluation.

use super::facts::*;
use super::rules::*;
use chrono::Utc;
use erp_auth::Role;
use erp_problem::AppError;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

const DOC: &str = "quotation";

fn rule(condition: Condition, role: Role, step: i32) -> ApprovalRule {
    ApprovalRule {
        id: Uuid::now_v7(),
        document_type: DOC.into(),
        condition,
        threshold: None,
        currency: None,
        approver_role: role,
        step,
        active: true,
        version: 1,
        created_by: "test".into(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn total_above(amount: Decimal, currency: &str, role: Role, step: i32) -> ApprovalRule {
    ApprovalRule {
        threshold: Some(amount),
        currency: Some(currency.into()),
        ..rule(Condition::TotalAbove, role, step)
    }
}

fn margin_below(pct: Decimal, role: Role, step: i32) -> ApprovalRule {
    ApprovalRule {
        threshold: Some(pct),
        ..rule(Condition::MarginBelow, role, step)
    }
}

fn facts(total: Decimal) -> Facts {
    Facts::new(DOC, Uuid::now_v7(), "Q-2026-000001", Uuid::now_v7(), "VND", total)
}

fn roles(plan: &[PlannedStep]) -> Vec<(i32, Role)> {
    plan.iter().map(|p| (p.step, p.approver_role)).collect()
}

#[test]
fn below_floor_price_needs_the_vice_president() {
    let rules = [rule(Condition::BelowFloorPrice, Role::VicePresident, 1)];
    assert!(evaluate(&rules, &facts(dec!(10))).is_empty());
    let plan = evaluate(
        &rules,
        &Facts {
            below_floor: true,
            ..facts(dec!(10))
        },
    );
    assert_eq!(roles(&plan), vec![(1, Role::VicePresident)]);
    assert_eq!(plan[0].reasons, vec!["line below floor price"]);
}

#[test]
fn credit_terms_and_credit_limit_need_the_general_manager() {
    let rules = [
        rule(Condition::CreditTerms, Role::GeneralManager, 2),
        rule(Condition::OverCreditLimit, Role::GeneralManager, 2),
    ];
    let plan = evaluate(
        &rules,
        &Facts {
            credit_terms: true,
            ..facts(dec!(10))
        },
    );
    assert_eq!(roles(&plan), vec![(2, Role::GeneralManager)]);
    let plan = evaluate(
        &rules,
        &Facts {
            credit_terms: true,
            over_credit_limit: true,
            ..facts(dec!(10))
        },
    );
    assert_eq!(plan.len(), 1, "one step per (step, role)");
    assert_eq!(plan[0].reasons.len(), 2, "{:?}", plan[0].reasons);
    assert!(plan[0].reasons[1].contains("credit limit"));
}

#[test]
fn margin_below_compares_percentages() {
    let rules = [margin_below(dec!(10), Role::VicePresident, 1)];
    let with = |m: Option<Decimal>| {
        evaluate(
            &rules,
            &Facts {
                margin_pct: m,
                ..facts(dec!(10))
            },
        )
    };
    assert!(with(None).is_empty(), "unknown margin does not match");
    assert!(with(Some(dec!(10))).is_empty(), "at the limit is fine");
    let plan = with(Some(dec!(8.50)));
    assert_eq!(roles(&plan), vec![(1, Role::VicePresident)]);
    assert_eq!(plan[0].reasons, vec!["gross margin 8.5% below 10%"]);
}

#[test]
fn total_above_compares_amounts_of_the_same_currency_only() {
    let rules = [total_above(dec!(100000000), "VND", Role::VicePresident, 1)];
    assert!(evaluate(&rules, &facts(dec!(100000000))).is_empty(), "not above");
    let plan = evaluate(&rules, &facts(dec!(120000000)));
    assert_eq!(plan[0].reasons, vec!["total 120,000,000 VND above 100,000,000"]);
    let usd = Facts {
        currency: "USD".into(),
        ..facts(dec!(120000000))
    };
    assert!(
        evaluate(&rules, &usd).is_empty(),
        "a USD total is not compared with a VND limit"
    );
}

#[test]
fn a_chain_is_ordered_by_step() {
    let rules = [
        total_above(dec!(500000000), "VND", Role::GeneralManager, 2),
        total_above(dec!(100000000), "VND", Role::VicePresident, 1),
        rule(Condition::BelowFloorPrice, Role::VicePresident, 1),
        rule(Condition::Otherwise, Role::SalesManager, 1),
    ];
    let plan = evaluate(
        &rules,
        &Facts {
            below_floor: true,
            ..facts(dec!(600000000))
        },
    );
    assert_eq!(roles(&plan), vec![(1, Role::VicePresident), (2, Role::GeneralManager)]);
    assert_eq!(
        plan[0].reasons.len(),
        2,
        "both reasons of the VP step: {:?}",
        plan[0].reasons
    );
    let plan = evaluate(&rules, &facts(dec!(200000000)));
    assert_eq!(roles(&plan), vec![(1, Role::VicePresident)], "below the higher amount");
}

#[test]
fn roles_of_one_step_are_all_planned() {
    let rules = [
        rule(Condition::CreditTerms, Role::GeneralManager, 1),
        rule(Condition::BelowFloorPrice, Role::VicePresident, 1),
    ];
    let plan = evaluate(
        &rules,
        &Facts {
            credit_terms: true,
            below_floor: true,
            ..facts(dec!(1))
        },
    );
    assert_eq!(roles(&plan), vec![(1, Role::VicePresident), (1, Role::GeneralManager)]);
}

#[test]
fn otherwise_applies_only_when_nothing_else_matched() {
    let rules = [
        rule(Condition::BelowFloorPrice, Role::VicePresident, 1),
        rule(Condition::Otherwise, Role::SalesManager, 1),
    ];
    let plan = evaluate(&rules, &facts(dec!(10)));
    assert_eq!(roles(&plan), vec![(1, Role::SalesManager)]);
    assert!(plan[0].reasons[0].contains("no other rule"));
    let plan = evaluate(
        &rules,
        &Facts {
            below_floor: true,
            ..facts(dec!(10))
        },
    );
    assert_eq!(
        roles(&plan),
        vec![(1, Role::VicePresident)],
        "the sales manager is not asked too"
    );
}

#[test]
fn nothing_matching_and_no_otherwise_is_an_empty_plan() {
    let rules = [total_above(dec!(100), "VND", Role::VicePresident, 1)];
    assert!(evaluate(&rules, &facts(dec!(5))).is_empty());
    assert!(evaluate(&[], &facts(dec!(5))).is_empty());
}

#[test]
fn inactive_rules_and_other_document_types_are_ignored() {
    let inactive = ApprovalRule {
        active: false,
        ..rule(Condition::Otherwise, Role::SalesManager, 1)
    };
    let other_type = ApprovalRule {
        document_type: "sales_order".into(),
        ..rule(Condition::BelowFloorPrice, Role::VicePresident, 1)
    };
    let floor_inactive = ApprovalRule {
        active: false,
        ..rule(Condition::BelowFloorPrice, Role::GeneralManager, 1)
    };
    let otherwise = rule(Condition::Otherwise, Role::SalesManager, 2);
    let f = Facts {
        below_floor: true,
        ..facts(dec!(5))
    };
    assert!(evaluate(&[inactive, other_type.clone()], &f).is_empty());
    // An inactive matching rule does not suppress `otherwise`.
    let plan = evaluate(&[floor_inactive, other_type, otherwise], &f);
    assert_eq!(roles(&plan), vec![(2, Role::SalesManager)]);
}

#[test]
fn amounts_are_grouped_by_thousands() {
    assert_eq!(group_thousands(dec!(120000000)), "120,000,000");
    assert_eq!(group_thousands(dec!(100000000.0000)), "100,000,000");
    assert_eq!(group_thousands(dec!(1234.50)), "1,234.50");
    assert_eq!(group_thousands(dec!(999)), "999");
    assert_eq!(group_thousands(dec!(-1000)), "-1,000");
    assert_eq!(group_thousands(dec!(0)), "0");
}

#[test]
fn rule_values_are_validated_together() {
    let fields = |r: Result<RuleSeed, AppError>| match r {
        Err(AppError::Validation(errs)) => errs.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        fields(parse_rule("quotation", "whenever", None, None, "boss", 0)),
        vec!["condition", "approver_role", "step"]
    );
    assert_eq!(
        fields(parse_rule("quotation", "total_above", None, None, "vice_president", 1)),
        vec!["threshold", "currency"]
    );
    assert_eq!(
        fields(parse_rule(
            "quotation",
            "margin_below",
            Some(dec!(150)),
            None,
            "vice_president",
            1
        )),
        vec!["threshold"]
    );
    assert_eq!(
        fields(parse_rule("quotation", "margin_below", None, None, "vice_president", 1)),
        vec!["threshold"]
    );
    assert_eq!(
        fields(parse_rule(
            "Quotation ",
            "credit_terms",
            Some(dec!(1)),
            Some("VND"),
            "general_manager",
            1
        )),
        vec!["document_type", "threshold", "currency"]
    );
    assert_eq!(
        fields(parse_rule(
            "quotation",
            "total_above",
            Some(dec!(-1)),
            Some("dong"),
            "vice_president",
            1
        )),
        vec!["threshold", "currency"]
    );
    let ok = parse_rule(
        " quotation ",
        "total_above",
        Some(dec!(100)),
        Some("vnd"),
        "vice_president",
        2,
    )
    .unwrap();
    assert_eq!(
        ok,
        RuleSeed::new("quotation", Condition::TotalAbove, Role::VicePresident, 2).amount(dec!(100), "VND")
    );
    let ok = parse_rule("quotation", "margin_below", Some(dec!(0)), None, "vice_president", 1).unwrap();
    assert_eq!(ok.threshold, Some(dec!(0)));
}

#[test]
fn condition_names_round_trip() {
    for c in Condition::ALL {
        assert_eq!(c.as_str().parse::<Condition>(), Ok(c));
        assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.as_str()));
    }
    assert!("never".parse::<Condition>().is_err());
}
