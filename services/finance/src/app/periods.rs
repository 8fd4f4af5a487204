//! Accounting periods, one per month: open until a finance manager closes one for good.

use crate::db::{self, PeriodRow, ledger};
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_problem::AppError;

/// `yyyy-mm` with a real month.
pub fn valid_period(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && matches!(p[5..].parse::<u32>(), Ok(1..=12))
}

/// Every period posted into or closed, newest first.
pub fn list(c: &mut PgConnection) -> Result<Vec<PeriodRow>, AppError> {
    db::periods(c)
}

/// Closes `period`; closing a closed one is a 409.
pub fn close(c: &mut PgConnection, actor: &CurrentUser, period: &str) -> Result<PeriodRow, AppError> {
    if !valid_period(period) {
        return Err(AppError::validation("period", "must be a month as yyyy-mm"));
    }
    ledger::close_period(c, period, &actor.actor())
}

#[cfg(test)]
mod tests {
    #[test]
    fn periods() {
        assert!(super::valid_period("2026-01") && super::valid_period("2026-12"));
        assert!(!super::valid_period("2026-13") && !super::valid_period("2026-1") && !super::valid_period("26-01-01"));
    }
}
