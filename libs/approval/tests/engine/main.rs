//! The approval engine against the real database and broker: the engine's own operations
//! through a small service's hand-written endpoints (`requests`), and the one mechanism every
//! document uses, `Approvable` with its generated endpoints (`document`).

mod document;
mod inbox;
mod requests;
