//! Customers' open receivables as finance reports them (`finance.customer.balance.changed`),
//! kept for credit checks; an older revision never replaces a newer one.

use crate::db::balances::{BalanceReport, keep_latest};
use diesel::PgConnection;
use erp_contracts::finance::CustomerBalanceChanged;
use erp_problem::AppError;

pub fn balance_changed(c: &mut PgConnection, e: &CustomerBalanceChanged) -> Result<(), AppError> {
    keep_latest(
        c,
        &BalanceReport {
            customer_id: e.customer_id,
            currency: &e.currency,
            open_amount: e.open_amount,
            overdue_amount: e.overdue_amount,
            revision: e.revision,
            changed_at: e.changed_at,
        },
    )
}
