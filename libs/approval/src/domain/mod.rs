//! The authority matrix and the request's states, free of I/O: rule conditions and their
//! validation, the facts a document is judged on, `evaluate` (which steps a submission needs),
//! the request's state table and who may decide which step.

mod facts;
mod rules;
mod states;
#[cfg(test)]
mod tests_matrix;
#[cfg(test)]
mod tests_states;

pub use facts::*;
pub use rules::*;
pub use states::*;
