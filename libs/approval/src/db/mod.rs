//! The engine's operations on the approval tables. Every function takes the caller's
//! connection, inside the caller's transaction: a document and its approval change together,
//! and the events go into the same transaction's outbox.

mod decision;
mod inbox;
mod pending;
mod requests;
mod rules;
mod submission;
mod types;

pub use decision::*;
pub use inbox::*;
pub use pending::*;
pub use requests::*;
pub use rules::*;
pub use submission::*;
pub use types::*;
