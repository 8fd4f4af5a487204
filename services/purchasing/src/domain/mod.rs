//! purchasing's rules, free of I/O.

pub mod status;
