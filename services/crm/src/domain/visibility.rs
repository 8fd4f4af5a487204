//! Who sees which customers and sales documents (DOMAIN.md, seed 003 §8): a salesperson its
//! own, a sales manager its department's, the general manager and vice presidents everything;
//! finance sees everything it must collect money for. A record outside one's scope answers 404.

use erp_auth::{CurrentUser, Role};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// The department's records, and one's own wherever they are.
    Department {
        department: Option<Uuid>,
        me: Uuid,
    },
    Own(Uuid),
    Nothing,
}

pub fn scope(user: &CurrentUser) -> Scope {
    if user.has_any_role(&[Role::FinanceManager, Role::Cashier]) {
        Scope::All
    } else {
        selling_scope(user)
    }
}

/// The scope on the selling side (opportunities, quotations): as [`scope`], except that finance
/// roles add nothing there; they follow the money (customers, orders, receipts), not the deals.
pub fn selling_scope(user: &CurrentUser) -> Scope {
    if user.has_any_role(&[Role::GeneralManager, Role::VicePresident]) {
        Scope::All
    } else if user.has_role(Role::SalesManager) {
        Scope::Department {
            department: user.department_id,
            me: user.id,
        }
    } else if user.has_any_role(&[Role::Sales, Role::Marketing]) {
        Scope::Own(user.id)
    } else {
        Scope::Nothing
    }
}

impl Scope {
    /// Whether a record owned by `owner` in `department` is visible.
    pub fn sees(&self, owner: Uuid, department: Option<Uuid>) -> bool {
        match *self {
            Scope::All => true,
            Scope::Department { department: mine, me } => owner == me || (mine.is_some() && mine == department),
            Scope::Own(me) => owner == me,
            Scope::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use erp_auth::SubjectKind;

    fn user(roles: &[Role], dept: Option<Uuid>) -> CurrentUser {
        CurrentUser {
            id: Uuid::now_v7(),
            kind: SubjectKind::Employee,
            code: "x".into(),
            name: "x".into(),
            department_id: dept,
            manager_id: None,
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn scopes() {
        let (d1, d2) = (Some(Uuid::now_v7()), Some(Uuid::now_v7()));
        let sales = user(&[Role::Sales], d1);
        let colleague = Uuid::now_v7();
        assert!(scope(&sales).sees(sales.id, d1));
        assert!(
            !scope(&sales).sees(colleague, d1),
            "a colleague's customer is not visible"
        );
        let manager = user(&[Role::SalesManager], d1);
        assert!(scope(&manager).sees(colleague, d1));
        assert!(!scope(&manager).sees(colleague, d2));
        assert!(scope(&user(&[Role::VicePresident], None)).sees(colleague, d2));
        assert!(!scope(&user(&[Role::WarehouseKeeper], d1)).sees(colleague, d1));
        let manager_without_department = user(&[Role::SalesManager], None);
        assert!(!scope(&manager_without_department).sees(colleague, None));
    }

    #[test]
    fn finance_follows_the_money_not_the_deals() {
        let d = Some(Uuid::now_v7());
        let owner = Uuid::now_v7();
        for roles in [&[Role::Cashier][..], &[Role::FinanceManager]] {
            let f = user(roles, d);
            assert!(scope(&f).sees(owner, d), "finance sees customers and orders");
            assert!(
                !selling_scope(&f).sees(owner, d),
                "but not opportunities and quotations"
            );
        }
        let both = user(&[Role::FinanceManager, Role::SalesManager], d);
        assert!(selling_scope(&both).sees(owner, d));
        assert!(!selling_scope(&both).sees(owner, Some(Uuid::now_v7())));
        assert!(selling_scope(&user(&[Role::GeneralManager], None)).sees(owner, d));
    }
}
