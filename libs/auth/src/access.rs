//! Who may call an operation, declared once per operation (a [`Door`]) and used twice: the
//! server refuses a caller outside the roles before any handler runs, and the OpenAPI document
//! states the roles of every operation from the same table (docs/security.md).

use crate::{CurrentUser, Role};

/// Who may pass an operation's door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed.
    Public,
    /// Any valid token; what the caller sees may still be filtered to its own records.
    Authenticated,
    /// Any valid token at the door; the approval engine then lets only the role of the document's
    /// pending step decide, never the submitter.
    Approver,
    /// One of these roles; any other role gets 403.
    Roles(&'static [Role]),
    /// One of these roles; any other role gets 404, as if the record did not exist.
    Hidden(&'static [Role]),
}

impl Access {
    /// Whether a caller holding `roles` passes.
    pub fn admits(self, user: &CurrentUser) -> bool {
        match self {
            Access::Public | Access::Authenticated | Access::Approver => true,
            Access::Roles(r) | Access::Hidden(r) => user.has_any_role(r),
        }
    }

    /// The roles named, for the documents: `None` for the doors open to any token or none.
    pub fn roles(self) -> Option<&'static [Role]> {
        match self {
            Access::Roles(r) | Access::Hidden(r) => Some(r),
            _ => None,
        }
    }

    /// One word for the kind of door: `public`, `authenticated`, `approver` or `roles`.
    pub fn kind(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Authenticated => "authenticated",
            Access::Approver => "approver",
            Access::Roles(_) | Access::Hidden(_) => "roles",
        }
    }

    /// The sentence the OpenAPI document carries.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "Access: public.".into(),
            Access::Authenticated => "Access: any signed-in caller (what it sees may be narrowed to its own records).".into(),
            Access::Approver => {
                "Access: any signed-in caller at the door; only the role of the pending step decides, never the submitter."
                    .into()
            }
            Access::Roles(r) | Access::Hidden(r) => {
                let names: Vec<&str> = r.iter().map(|r| r.as_str()).collect();
                format!("Access: roles {}.", names.join(", "))
            }
        }
    }
}

/// One operation's door: its method, its path as the OpenAPI document spells it, who passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Door {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

pub const fn door(method: &'static str, path: &'static str, access: Access) -> Door {
    Door { method, path, access }
}
