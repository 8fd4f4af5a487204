//! purchasing's rules, free of I/O: the states of its documents and the one table of moves
//! each allows, who sees and changes what, and the settlement rules.

pub mod matching;
pub mod orders;
pub mod quotations;
pub mod requests;
pub mod roles;
pub mod settlement;

use erp_problem::AppError;

/// The 409 of a move a document's state does not allow.
pub(crate) fn refused(doc: &str, action: &str, from: &str) -> AppError {
    AppError::wrong_state(format!("cannot {action} a {doc} that is {from}"))
}
