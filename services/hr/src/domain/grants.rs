//! Who may grant which roles (docs/security.md, privilege escalation): nobody changes their own
//! roles; the governing roles (general manager, vice president, hr admin) are granted and
//! withdrawn by a general manager only, except that an hr admin appoints the company's first
//! general manager while there is none; an API key carries a governing role only when a general
//! manager issues it.

use erp_auth::{CurrentUser, Role};
use erp_problem::AppError;
use uuid::Uuid;

/// The roles that decide over others: granting one is governing the company.
pub const GOVERNING: [Role; 3] = [Role::GeneralManager, Role::VicePresident, Role::HrAdmin];

/// A change of `target`'s roles from `before` to `after` by `actor`; `company_has_general_manager`
/// says whether an active employee already holds the role.
pub fn check_role_change(
    actor: &CurrentUser,
    target: Uuid,
    before: &[Role],
    after: &[Role],
    company_has_general_manager: bool,
) -> Result<(), AppError> {
    let granted: Vec<Role> = after.iter().filter(|r| !before.contains(r)).copied().collect();
    let withdrawn: Vec<Role> = before.iter().filter(|r| !after.contains(r)).copied().collect();
    if granted.is_empty() && withdrawn.is_empty() {
        return Ok(());
    }
    if actor.id == target {
        return Err(AppError::Forbidden("nobody changes their own roles".into()));
    }
    let governing = |r: &Role| GOVERNING.contains(r);
    if !granted.iter().chain(&withdrawn).any(governing) || actor.has_role(Role::GeneralManager) {
        return Ok(());
    }
    let first_general_manager = withdrawn.is_empty()
        && granted
            .iter()
            .filter(|r| governing(r))
            .all(|r| *r == Role::GeneralManager)
        && !company_has_general_manager
        && actor.has_role(Role::HrAdmin);
    if first_general_manager {
        return Ok(());
    }
    Err(AppError::Forbidden(
        "only a general manager grants or withdraws the general_manager, vice_president and hr_admin roles \
         (an hr admin may appoint the first general manager)"
            .into(),
    ))
}

/// An API key's roles: a governing role only from a general manager, as for people (a key must
/// not lift an integrator, or the admin who issues it, above the rules).
pub fn check_key_roles(actor: &CurrentUser, roles: &[Role]) -> Result<(), AppError> {
    let governing: Vec<&str> = roles
        .iter()
        .filter(|r| GOVERNING.contains(r))
        .map(|r| r.as_str())
        .collect();
    if governing.is_empty() || actor.has_role(Role::GeneralManager) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only a general manager issues an API key with {}",
            governing.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use erp_testkit::test_user;

    fn ok(r: Result<(), AppError>) -> bool {
        r.is_ok()
    }

    #[test]
    fn nobody_changes_their_own_roles() {
        let gm = test_user(&[Role::GeneralManager, Role::HrAdmin]);
        assert!(!ok(check_role_change(
            &gm,
            gm.id,
            &[Role::Sales],
            &[Role::Sales, Role::VicePresident],
            true
        )));
        assert!(
            ok(check_role_change(&gm, gm.id, &[Role::Sales], &[Role::Sales], true)),
            "no change"
        );
    }

    #[test]
    fn governing_roles_are_the_general_managers_to_grant() {
        let admin = test_user(&[Role::HrAdmin]);
        let gm = test_user(&[Role::GeneralManager]);
        let other = Uuid::now_v7();
        assert!(ok(check_role_change(
            &admin,
            other,
            &[],
            &[Role::Sales, Role::Purchaser],
            true
        )));
        for role in GOVERNING {
            assert!(!ok(check_role_change(&admin, other, &[], &[role], true)), "{role:?}");
            assert!(
                !ok(check_role_change(&admin, other, &[role], &[], true)),
                "{role:?} withdrawn"
            );
            assert!(
                ok(check_role_change(&gm, other, &[], &[role], true)),
                "{role:?} by the gm"
            );
        }
    }

    #[test]
    fn an_hr_admin_appoints_only_the_first_general_manager() {
        let admin = test_user(&[Role::HrAdmin]);
        let other = Uuid::now_v7();
        assert!(ok(check_role_change(
            &admin,
            other,
            &[],
            &[Role::GeneralManager, Role::SalesManager],
            false
        )));
        assert!(!ok(check_role_change(
            &admin,
            other,
            &[],
            &[Role::GeneralManager],
            true
        )));
        assert!(!ok(check_role_change(
            &admin,
            other,
            &[],
            &[Role::GeneralManager, Role::HrAdmin],
            false
        )));
        assert!(!ok(check_role_change(
            &admin,
            admin.id,
            &[Role::HrAdmin],
            &[Role::HrAdmin, Role::GeneralManager],
            false
        )));
    }

    #[test]
    fn a_key_with_a_governing_role_is_the_general_managers_to_issue() {
        let admin = test_user(&[Role::HrAdmin, Role::Employee]);
        assert!(ok(check_key_roles(&admin, &[Role::Purchaser, Role::Sales])));
        for role in GOVERNING {
            assert!(!ok(check_key_roles(&admin, &[role])), "{role:?}");
        }
        let gm = test_user(&[Role::HrAdmin, Role::GeneralManager]);
        assert!(ok(check_key_roles(&gm, &[Role::VicePresident])));
    }
}
