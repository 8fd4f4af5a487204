//! Validation of employee and department input.

use erp_auth::Role;
use erp_problem::{Validator, clean};

/// Employee and department codes: short, no spaces, case-insensitive unique.
pub fn check_code(v: &mut Validator, field: &str, code: &str) {
    let ok = !code.is_empty()
        && code.chars().count() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    v.check(ok, field, "must be 1-32 characters: letters, digits, '-', '_' or '.'");
}

pub fn check_email(v: &mut Validator, field: &str, email: Option<&str>) {
    if let Some(e) = email {
        let ok = e.chars().count() <= 254
            && e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace)
            });
        v.check(ok, field, "must be an e-mail address");
    }
}

/// Parses role names (sorted, without repeats); an unknown one is a problem on `field[i]`.
pub fn parse_role_list(v: &mut Validator, field: &str, names: &[String]) -> Vec<Role> {
    let mut roles = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match name.parse::<Role>() {
            Ok(r) => roles.push(r),
            Err(e) => {
                v.add(format!("{field}[{i}]"), e);
            }
        }
    }
    roles.sort();
    roles.dedup();
    roles
}

/// Parses role names; every employee also holds `employee` (the everyday-work role).
pub fn parse_roles(v: &mut Validator, field: &str, names: &[String]) -> Vec<Role> {
    let mut roles = parse_role_list(v, field, names);
    roles.push(Role::Employee);
    roles.sort();
    roles.dedup();
    roles
}

pub fn role_names(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

/// Employee fields as given on create or update, validated together.
#[derive(Debug, Clone)]
pub struct EmployeeFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub position: Option<String>,
    pub roles: Vec<Role>,
}

pub fn validate_employee(
    v: &mut Validator,
    name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    position: Option<&str>,
    roles: &[String],
) -> EmployeeFields {
    let email = clean(email).map(|e| e.to_lowercase());
    let phone = clean(phone);
    let position = clean(position);
    v.text("name", name, 200);
    check_email(v, "email", email.as_deref());
    v.optional_text("phone", phone.as_deref(), 40);
    v.optional_text("position", position.as_deref(), 120);
    let roles = parse_roles(v, "roles", roles);
    EmployeeFields {
        name: name.trim().to_owned(),
        email,
        phone,
        position,
        roles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use erp_problem::AppError;

    #[test]
    fn codes() {
        let mut v = Validator::new();
        check_code(&mut v, "code", "NV-001");
        check_code(&mut v, "code2", "admin.hn_2");
        assert!(v.is_empty());
        check_code(&mut v, "code", "có dấu");
        check_code(&mut v, "code", "");
        check_code(&mut v, "code", &"x".repeat(33));
        assert!(matches!(v.finish(), Err(AppError::Validation(e)) if e.len() == 3));
    }

    #[test]
    fn roles_always_include_employee_and_name_bad_ones() {
        let mut v = Validator::new();
        let roles = parse_roles(&mut v, "roles", &["sales".into(), "sales".into()]);
        assert_eq!(roles, vec![Role::Sales, Role::Employee]);
        assert!(v.is_empty());
        parse_roles(&mut v, "roles", &["sales".into(), "king".into()]);
        match v.finish() {
            Err(AppError::Validation(e)) => assert_eq!(e[0].field, "roles[1]"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn key_roles_are_only_the_named_ones() {
        let mut v = Validator::new();
        let roles = parse_role_list(
            &mut v,
            "roles",
            &["purchaser".into(), "sales".into(), "purchaser".into()],
        );
        assert_eq!(roles, vec![Role::Sales, Role::Purchaser]);
        assert!(v.is_empty());
    }

    #[test]
    fn employee_fields_are_cleaned() {
        let mut v = Validator::new();
        let f = validate_employee(
            &mut v,
            " Trần Thị Bình ",
            Some(" Binh@Example.VN "),
            Some("  "),
            None,
            &[],
        );
        assert!(v.is_empty());
        assert_eq!(f.name, "Trần Thị Bình");
        assert_eq!(f.email.as_deref(), Some("binh@example.vn"));
        assert_eq!(f.phone, None);
    }

    #[test]
    fn bad_email() {
        let mut v = Validator::new();
        validate_employee(&mut v, "王伟", Some("not-an-email"), None, None, &[]);
        assert!(!v.is_empty());
    }
}
