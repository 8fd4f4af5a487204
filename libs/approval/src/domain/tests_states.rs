//! The request's state table and step decisions.

use super::states::*;
use erp_auth::Role;
use erp_problem::AppError;
use uuid::Uuid;

#[test]
fn request_state_table() {
    use RequestAction as A;
    use RequestStatus as S;
    let all = [
        A::Approve { last_step: false },
        A::Approve { last_step: true },
        A::Reject,
        A::Withdraw,
    ];
    assert_eq!(
        S::Pending.transition(A::Approve { last_step: false }).unwrap(),
        S::Pending
    );
    assert_eq!(
        S::Pending.transition(A::Approve { last_step: true }).unwrap(),
        S::Approved
    );
    assert_eq!(S::Pending.transition(A::Reject).unwrap(), S::Rejected);
    assert_eq!(S::Pending.transition(A::Withdraw).unwrap(), S::Withdrawn);
    for from in [S::Approved, S::Rejected, S::Withdrawn] {
        assert!(from.is_final());
        for action in all {
            match from.transition(action) {
                Err(AppError::Conflict { slug, .. }) => assert_eq!(slug, "wrong-state"),
                other => panic!("{from:?} + {action:?} gave {other:?}"),
            }
        }
    }
    for s in [S::Pending, S::Approved, S::Rejected, S::Withdrawn] {
        assert_eq!(S::parse(s.as_str()).unwrap(), s);
    }
}

fn state(step: i32, role: Role, decided: bool) -> StepState {
    StepState { step, role, decided }
}

fn status_of(r: Result<Vec<usize>, AppError>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(e) => e.to_problem().status,
    }
}

#[test]
fn only_the_current_step_is_decided_and_only_by_its_role() {
    let chain = [
        state(1, Role::VicePresident, false),
        state(2, Role::GeneralManager, false),
    ];
    let any = |_: Role| true;
    assert_eq!(
        steps_to_decide(&chain, 1, &[Role::VicePresident], any).unwrap(),
        vec![0]
    );
    assert_eq!(
        status_of(steps_to_decide(&chain, 1, &[Role::GeneralManager], any)),
        409,
        "not its turn"
    );
    assert_eq!(status_of(steps_to_decide(&chain, 1, &[Role::Sales], any)), 403);
    let after = [
        state(1, Role::VicePresident, true),
        state(2, Role::GeneralManager, false),
    ];
    assert_eq!(
        status_of(steps_to_decide(&after, 2, &[Role::VicePresident], any)),
        409,
        "twice"
    );
    assert_eq!(
        steps_to_decide(&after, 2, &[Role::GeneralManager], any).unwrap(),
        vec![1]
    );
    let both = [Role::VicePresident, Role::GeneralManager];
    assert_eq!(
        steps_to_decide(&chain, 1, &both, any).unwrap(),
        vec![0],
        "one step at a time"
    );
}

#[test]
fn a_sales_manager_out_of_scope_is_refused() {
    let steps = [state(1, Role::SalesManager, false)];
    assert_eq!(
        status_of(steps_to_decide(&steps, 1, &[Role::SalesManager], |r| r != Role::SalesManager)),
        403
    );
    let (me, dept, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    assert!(in_sales_manager_scope(me, None, &[other, me], None), "in the chain");
    assert!(
        in_sales_manager_scope(me, Some(dept), &[], Some(dept)),
        "same department"
    );
    assert!(!in_sales_manager_scope(me, Some(dept), &[other], Some(other)));
    assert!(
        !in_sales_manager_scope(me, None, &[], None),
        "no department is no match"
    );
}

#[test]
fn what_follows_a_decision() {
    let parallel = [
        state(1, Role::VicePresident, true),
        state(1, Role::GeneralManager, false),
        state(3, Role::GeneralManager, false),
    ];
    assert_eq!(next_after(&parallel, 1, true), Next::Stay);
    assert_eq!(next_after(&parallel, 1, false), Next::Rejected);
    let done_first = [
        state(1, Role::VicePresident, true),
        state(3, Role::GeneralManager, false),
    ];
    assert_eq!(
        next_after(&done_first, 1, true),
        Next::Advance(3),
        "gaps in step numbers are fine"
    );
    let all = [
        state(1, Role::VicePresident, true),
        state(3, Role::GeneralManager, true),
    ];
    assert_eq!(next_after(&all, 3, true), Next::Approved);
    // One of two roles decided: a step of any role is complete, a step of every role is not.
    let one_of_two = [
        state(1, Role::GeneralManager, true),
        state(1, Role::FinanceManager, false),
    ];
    assert_eq!(
        next_after_with(&one_of_two, 1, true, StepQuorum::AnyRole),
        Next::Approved
    );
    assert_eq!(next_after_with(&one_of_two, 1, true, StepQuorum::EveryRole), Next::Stay);
}
