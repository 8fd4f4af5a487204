//! purchasing's rules, free of I/O.

pub mod matching;
pub mod status;
