//! Finance rules, free of I/O: the chart of accounts a new company starts with, the accounts
//! the automatic postings use, what makes a journal entry acceptable, sales invoice amounts and
//! the aging of what is owed.

pub mod aging;
pub mod chart;
pub mod entry;
pub mod invoice;
pub mod states;

pub use entry::EntryLine;
