//! Finance rules, free of I/O: the chart of accounts a new company starts with, the accounts
//! the automatic postings use, and what makes a journal entry acceptable.

pub mod chart;
pub mod entry;

pub use entry::EntryLine;
