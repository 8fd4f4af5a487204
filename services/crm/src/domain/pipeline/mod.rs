//! Sales follow-up rules (DOMAIN.md process 3, seed 000 §2.7): marketing leads and the states
//! they go through, activity kinds, opportunity stages with their default probabilities and the
//! moves between them, who sees a lead, and the funnel's arithmetic. Free of I/O.

mod activities;
mod funnel;
mod leads;
mod opportunities;

pub use activities::*;
pub use funnel::*;
pub use leads::*;
pub use opportunities::*;

/// The directory's roles of someone who may be given leads, opportunities and customers.
pub fn is_seller(roles: &[String]) -> bool {
    roles.iter().any(|r| {
        matches!(
            r.as_str(),
            "sales" | "sales_manager" | "vice_president" | "general_manager"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sellers_by_directory_role() {
        assert!(is_seller(&["employee".into(), "sales".into()]));
        assert!(!is_seller(&["marketing".into()]));
    }
}
